using System.CommandLine;
using System.CommandLine.Parsing;

namespace ImdbFineTune;

/// <summary>
/// The exact command that resumes an interrupted run: the user's own arguments with every path made absolute (so it
/// works from any directory), without <c>--resume</c>/<c>--overwrite-output-dir</c>/<c>--output</c>, then
/// <c>--output &lt;run folder&gt; --resume</c>.
/// </summary>
internal static class ResumeCommand
{
    /// <summary>Environment variable naming the launcher to print (the script sets it, e.g. <c>bash /repo/scripts/run-imdb.sh</c>).</summary>
    public const string LauncherVariable = "DISTILBERT_SHARP_LAUNCHER";

    private static readonly HashSet<string> PathOptions = ["--data", "--cache-dir", "--train-file", "--validation-file", "--test-file"];
    private static readonly HashSet<string> Dropped = ["--resume", "--overwrite-output-dir", "--output"];

    /// <summary>The user's tokens, for <see cref="Build"/>; null for subcommands (their first stage cannot resume).</summary>
    public static IReadOnlyList<string>? Capture(ParseResult parsed) =>
        parsed.CommandResult.Command is RootCommand ? parsed.Tokens.Select(t => t.Value).ToList() : null;

    public static string Build(IReadOnlyList<string> tokens, string output)
    {
        var args = new List<string>();
        for (int i = 0; i < tokens.Count; i++)
        {
            string token = tokens[i];
            if (Dropped.Contains(token))
            {
                // --resume's value is optional: skip the next token only when it is not another option.
                if (token != "--overwrite-output-dir" && i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal)) i++;
                continue;
            }
            args.Add(token);
            if (i + 1 < tokens.Count && (PathOptions.Contains(token) || token == "--model"))
            {
                string value = tokens[++i];
                args.Add(token == "--model" ? SamplePaths.ResolveModel(value) : SamplePaths.Resolve(value));
            }
        }
        args.AddRange(["--output", output, "--resume"]);
        return Launcher() + " " + string.Join(' ', args.Select(Quote));
    }

    private static string Launcher()
    {
        if (Environment.GetEnvironmentVariable(LauncherVariable) is { Length: > 0 } launcher) return launcher;
        string process = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? $"dotnet {Quote(typeof(ResumeCommand).Assembly.Location)}" : Quote(process);
    }

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsLetterOrDigit(c) || "-_./:=+@,%".Contains(c)) ? value : "'" + value.Replace("'", "'\\''") + "'";
}
