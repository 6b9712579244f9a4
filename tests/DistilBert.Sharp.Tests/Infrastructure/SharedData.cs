namespace DistilBert.Sharp.Tests.Infrastructure;

/// <summary>
/// Locates the read-only <c>../shared</c> folder (HF golden fixtures, real models, the IMDb archive) that sits beside
/// the repository on development and CI machines. Tests that need it call <see cref="RequireFixture"/> and friends,
/// which skip the test visibly (with the reason) on a machine without it.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> Root = new(FindRoot);

    /// <summary>The shared folder, or null when absent.</summary>
    public static string? RootPath => Root.Value;

    /// <summary>Returns <c>../shared/fixtures/&lt;relative&gt;</c> or skips the test.</summary>
    public static string RequireFixture(string relative) => Require(Path.Combine("fixtures", relative));

    /// <summary>Returns <c>../shared/models/&lt;relative&gt;</c> or skips the test.</summary>
    public static string RequireModel(string relative) => Require(Path.Combine("models", relative));

    /// <summary>Returns <c>../shared/data/&lt;relative&gt;</c> or skips the test.</summary>
    public static string RequireData(string relative) => Require(Path.Combine("data", relative));

    private static string Require(string relative)
    {
        string? root = RootPath;
        Skip.If(root is null, "../shared is absent on this machine (it holds HF golden fixtures and real data); test skipped.");
        string path = Path.Combine(root!, relative);
        Skip.IfNot(File.Exists(path) || Directory.Exists(path), $"{path} is absent; test skipped.");
        return path;
    }

    private static string? FindRoot()
    {
        string? overridden = Environment.GetEnvironmentVariable("DISTILBERT_SHARP_SHARED");
        if (!string.IsNullOrEmpty(overridden)) return Directory.Exists(overridden) ? overridden : null;
        // Walk up from the test binary (tests/X/bin/Release/net10.0) to the repository root, then look beside it.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DistilBert.Sharp.sln")))
            {
                string candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                return Directory.Exists(candidate) ? candidate : null;
            }
        }
        return null;
    }
}
