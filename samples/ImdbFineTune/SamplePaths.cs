namespace ImdbFineTune;

/// <summary>
/// Resolves the paths the user typed against the directory they typed them in. <c>scripts/run-imdb.sh</c> changes into
/// the repository before <c>dotnet run</c>, so it passes the caller's directory in <see cref="CallerDirectoryVariable"/>;
/// without it (the sample run directly) the process's own working directory is the caller's. Messages then show
/// absolute paths, which say exactly where the sample looked.
/// </summary>
internal static class SamplePaths
{
    /// <summary>Environment variable with the directory the user ran the script from.</summary>
    public const string CallerDirectoryVariable = "DISTILBERT_SHARP_CALLER_CWD";

    /// <summary>The directory relative paths are resolved against.</summary>
    public static string CallerDirectory =>
        Environment.GetEnvironmentVariable(CallerDirectoryVariable) is { Length: > 0 } dir && Directory.Exists(dir) ? dir : Directory.GetCurrentDirectory();

    /// <summary>An absolute path: <paramref name="path"/> as is when absolute, else under <paramref name="baseDirectory"/> (default the caller's).</summary>
    public static string Resolve(string path, string? baseDirectory = null)
    {
        if (path.StartsWith("~/", StringComparison.Ordinal))
            path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]);
        return Path.GetFullPath(path, baseDirectory ?? CallerDirectory);
    }

    /// <summary>
    /// A model argument: a Hub id (<c>distilbert-base-uncased</c>, <c>org/name</c>) stays as it is unless a folder of that
    /// name exists where the user is (a local folder wins, as in HF); anything that looks like a path becomes absolute.
    /// </summary>
    public static string ResolveModel(string model, string? baseDirectory = null)
    {
        string resolved = Resolve(model, baseDirectory);
        return Directory.Exists(resolved) || LooksLikePath(model) ? resolved : model;
    }

    // Hub ids are "name" or "org/name"; a rooted, dotted, home-relative or deeper value can only be a path.
    private static bool LooksLikePath(string value) =>
        Path.IsPathRooted(value) || value.StartsWith('.') || value.StartsWith('~') || value.Contains('\\') || value.Count(c => c == '/') > 1;
}
