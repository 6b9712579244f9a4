namespace DistilBert.Sharp.Hub;

/// <summary>
/// The on-disk cache shared with Python's <c>huggingface_hub</c>:
/// <c>&lt;root&gt;/models--org--name/blobs/&lt;etag&gt;</c> holds each file's content once,
/// <c>snapshots/&lt;commit&gt;/&lt;file&gt;</c> points at the blob (a relative symlink where the OS allows it, else a copy),
/// <c>refs/&lt;revision&gt;</c> holds the commit a branch or tag resolved to, and
/// <c>.no_exist/&lt;commit&gt;/&lt;file&gt;</c> records files known to be absent. A model downloaded by either side is
/// reused by the other.
/// </summary>
public sealed class HubCache
{
    /// <summary>Opens the cache at <paramref name="root"/> (null = the default, see <see cref="DefaultCacheDirectory()"/>).</summary>
    public HubCache(string? root = null) => Root = Path.GetFullPath(root ?? DefaultCacheDirectory());

    /// <summary>The cache root folder.</summary>
    public string Root { get; }

    /// <summary>
    /// The cache root Python uses: <c>HF_HUB_CACHE</c>, else <c>HF_HOME/hub</c>, else
    /// <c>XDG_CACHE_HOME/huggingface/hub</c>, else <c>~/.cache/huggingface/hub</c>.
    /// </summary>
    public static string DefaultCacheDirectory() =>
        DefaultCacheDirectory(HubOptions.NonEmptyEnv, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>The precedence rules of <see cref="DefaultCacheDirectory()"/> over an injectable environment (tests).</summary>
    internal static string DefaultCacheDirectory(Func<string, string?> env, string home)
    {
        string Expand(string path) => path.StartsWith('~') ? home + path[1..] : path;
        string? hubCache = env("HF_HUB_CACHE") ?? env("HUGGINGFACE_HUB_CACHE");
        if (hubCache is not null) return Expand(hubCache);
        string? hfHome = env("HF_HOME");
        if (hfHome is not null) return Path.Combine(Expand(hfHome), "hub");
        string cacheHome = env("XDG_CACHE_HOME") is { } xdg ? Expand(xdg) : Path.Combine(home, ".cache");
        return Path.Combine(cacheHome, "huggingface", "hub");
    }

    /// <summary>The folder name of a model repository: <c>models--org--name</c>.</summary>
    public static string RepoFolderName(string repoId)
    {
        HubNames.ValidateRepoId(repoId, nameof(repoId));
        return "models--" + repoId.Replace("/", "--", StringComparison.Ordinal);
    }

    /// <summary>The folder holding a repository's blobs, snapshots and refs.</summary>
    public string RepoFolder(string repoId) => Path.Combine(Root, RepoFolderName(repoId));

    /// <summary>
    /// The commit a revision resolves to in the cache: the revision itself when it is a commit hash, else the content
    /// of <c>refs/&lt;revision&gt;</c>; null when unknown.
    /// </summary>
    public string? ResolveCommit(string repoId, string revision)
    {
        HubNames.ValidateRevision(revision, nameof(revision));
        if (HubNames.IsCommitHash(revision)) return revision;
        string refPath = RefPath(repoId, revision);
        if (!File.Exists(refPath)) return null;
        string commit = File.ReadAllText(refPath).Trim();
        return commit.Length == 0 ? null : commit;
    }

    /// <summary>
    /// The cached copy of <paramref name="fileName"/> at <paramref name="revision"/>, or null when the cache does not
    /// hold it (or the revision was never resolved here).
    /// </summary>
    public string? TryGetCachedFile(string repoId, string fileName, string revision = "main")
    {
        string? commit = ResolveCommit(repoId, revision);
        if (commit is null) return null;
        string path = SnapshotPath(repoId, commit, fileName);
        // File.Exists follows the symlink, so a dangling pointer (blob deleted) counts as absent.
        return File.Exists(path) ? path : null;
    }

    /// <summary>Whether the cache records that <paramref name="fileName"/> does not exist at <paramref name="commit"/>.</summary>
    public bool IsKnownMissing(string repoId, string commit, string fileName) =>
        File.Exists(Path.Combine(RepoFolder(repoId), ".no_exist", commit, ToLocal(HubNames.NormalizeRepoFile(fileName, nameof(fileName)))));

    internal string RefPath(string repoId, string revision) => Path.Combine(RepoFolder(repoId), "refs", ToLocal(revision));

    internal string BlobPath(string repoId, string etag) => Path.Combine(RepoFolder(repoId), "blobs", etag);

    internal string LockPath(string repoId, string etag) => Path.Combine(Root, ".locks", RepoFolderName(repoId), etag + ".lock");

    internal string SnapshotPath(string repoId, string commit, string fileName) =>
        Path.Combine(RepoFolder(repoId), "snapshots", commit, ToLocal(HubNames.NormalizeRepoFile(fileName, nameof(fileName))));

    /// <summary>Records that a branch or tag points at a commit (Python writes the ref only for non-hash revisions).</summary>
    internal void WriteRef(string repoId, string revision, string commit)
    {
        if (revision == commit) return;
        string path = RefPath(repoId, revision);
        if (File.Exists(path) && File.ReadAllText(path).Trim() == commit) return;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, commit);
        File.Move(temp, path, overwrite: true);
    }

    internal void MarkMissing(string repoId, string commit, string fileName)
    {
        string path = Path.Combine(RepoFolder(repoId), ".no_exist", commit, ToLocal(HubNames.NormalizeRepoFile(fileName, nameof(fileName))));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (File.Create(path)) { }
    }

    /// <summary>
    /// Makes <c>snapshots/&lt;commit&gt;/&lt;file&gt;</c> point at the blob: a relative symlink as Python creates it, or a
    /// copy where symlinks are not allowed (Windows without developer mode).
    /// </summary>
    internal void LinkSnapshot(string blobPath, string pointerPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(pointerPath)!);
        if (File.Exists(pointerPath)) return;
        if (new FileInfo(pointerPath).LinkTarget is not null) File.Delete(pointerPath); // dangling link from a deleted blob
        string relative = Path.GetRelativePath(Path.GetDirectoryName(pointerPath)!, blobPath);
        try
        {
            File.CreateSymbolicLink(pointerPath, relative);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            if (File.Exists(pointerPath)) return; // another process linked it meanwhile
            string temp = pointerPath + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.Copy(blobPath, temp);
            File.Move(temp, pointerPath, overwrite: true);
        }
    }

    private static string ToLocal(string repoPath) => repoPath.Replace('/', Path.DirectorySeparatorChar);
}
