using System.Text.RegularExpressions;

namespace DistilBert.Sharp.Hub;

/// <summary>
/// Syntax checks for repository ids, file paths and revisions, so that a typo fails early with a clear message and
/// no name can make the cache write outside its folder.
/// </summary>
internal static partial class HubNames
{
    // huggingface_hub's validate_repo_id: optional namespace, word characters, '-' and '.', at most 96 characters,
    // no "--" or ".." (they would be ambiguous in the cache folder name), not starting or ending with '-' or '.'.
    [GeneratedRegex(@"^(\b[\w\-.]+\b/)?\b[\w\-.]+\b$", RegexOptions.CultureInvariant)]
    private static partial Regex RepoIdPattern();

    [GeneratedRegex("^[0-9a-f]{40}$", RegexOptions.CultureInvariant)]
    private static partial Regex CommitPattern();

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Pattern();

    /// <summary>Returns null when <paramref name="repoId"/> is a valid Hub repository id, else the reason.</summary>
    public static string? RepoIdProblem(string repoId)
    {
        if (string.IsNullOrWhiteSpace(repoId)) return "it is empty";
        if (repoId.Length > 96) return "it is longer than 96 characters";
        if (repoId.Contains("--", StringComparison.Ordinal) || repoId.Contains("..", StringComparison.Ordinal))
            return "it contains '--' or '..'";
        if (!RepoIdPattern().IsMatch(repoId))
            return "a Hub id is 'name' or 'namespace/name' made of letters, digits, '-', '_' and '.'";
        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the id when it is not a valid repository id.</summary>
    public static void ValidateRepoId(string repoId, string paramName)
    {
        string? problem = RepoIdProblem(repoId);
        if (problem is not null) throw new ArgumentException($"'{repoId}' is not a valid Hub repository id: {problem}.", paramName);
    }

    /// <summary>Normalises a file path inside a repository to '/' separators and refuses ones that could escape.</summary>
    public static string NormalizeRepoFile(string fileName, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName, paramName);
        string normalized = fileName.Replace('\\', '/');
        string[] parts = normalized.Split('/');
        if (normalized.StartsWith('/') || Path.IsPathRooted(fileName) || parts.Any(p => p is "" or "." or ".."))
            throw new ArgumentException($"'{fileName}' is not a valid file path inside a repository.", paramName);
        return normalized;
    }

    /// <summary>Refuses revisions that could escape the <c>refs</c> folder.</summary>
    public static void ValidateRevision(string revision, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(revision, paramName);
        if (revision.Split('/').Any(p => p is "" or "." or "..") || revision.Contains('\\'))
            throw new ArgumentException($"'{revision}' is not a valid revision (branch, tag or commit hash).", paramName);
    }

    /// <summary>Whether a revision is a full commit hash (then it needs no <c>refs</c> lookup).</summary>
    public static bool IsCommitHash(string revision) => CommitPattern().IsMatch(revision);

    /// <summary>Whether an ETag is a sha256 (HF's LFS files), which the content can be checked against.</summary>
    public static bool IsSha256(string etag) => Sha256Pattern().IsMatch(etag);
}
