namespace DistilBert.Sharp.Hub;

/// <summary>
/// Resolves what users pass to <c>FromPretrained</c> — a local folder or a Hub repository id such as
/// <c>distilbert-base-uncased</c> or <c>org/name</c> — to a local folder holding the model files, as HF does.
/// </summary>
public static class PretrainedPath
{
    /// <summary>
    /// Returns a local folder with <paramref name="requiredFiles"/> (and those of <paramref name="optionalFiles"/> the
    /// source has). An existing directory is returned as is after checking the required files; anything else must be
    /// a Hub repository id, whose files are taken from the cache or downloaded into it (one consistent commit).
    /// </summary>
    /// <param name="pathOrHubId">A folder, or a Hub repository id.</param>
    /// <param name="requiredFiles">Files that must exist (e.g. <c>config.json</c>).</param>
    /// <param name="optionalFiles">Files fetched when present (e.g. <c>tokenizer.json</c>); absent ones are skipped.</param>
    /// <param name="options">Hub settings; null = defaults from the environment.</param>
    /// <param name="cancellationToken">Stops the downloads (partial files are kept and resumed next time).</param>
    /// <exception cref="FileNotFoundException">A local folder lacks a required file.</exception>
    /// <exception cref="ArgumentException">The value is neither an existing folder nor a valid Hub id.</exception>
    /// <exception cref="HubException">The download failed (see its subclasses).</exception>
    public static async Task<string> ResolveAsync(string pathOrHubId, IReadOnlyList<string> requiredFiles,
        IReadOnlyList<string>? optionalFiles = null, HubOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrHubId);
        ArgumentNullException.ThrowIfNull(requiredFiles);
        optionalFiles ??= [];

        if (Directory.Exists(pathOrHubId))
        {
            string folder = Path.GetFullPath(pathOrHubId);
            foreach (string required in requiredFiles)
            {
                string path = Path.Combine(folder, required.Replace('/', Path.DirectorySeparatorChar));
                if (!File.Exists(path))
                    throw new FileNotFoundException($"The model folder '{folder}' has no '{required}', which is required.", path);
            }
            return folder;
        }
        if (File.Exists(pathOrHubId))
            throw new ArgumentException($"'{pathOrHubId}' is a file; pass the folder that contains the model files, or a Hub repository id.",
                nameof(pathOrHubId));
        if (HubNames.RepoIdProblem(pathOrHubId) is { } problem)
            throw new ArgumentException($"'{pathOrHubId}' is not an existing folder, and not a valid Hub repository id either ({problem}).",
                nameof(pathOrHubId));

        using var client = new HubClient(options);
        string repoId = pathOrHubId;
        string? commit = null;
        // Later files are pinned to the commit of the first one, so that a push in between cannot mix versions.
        foreach (string required in requiredFiles)
            commit = (await client.DownloadCoreAsync(repoId, required, commit, cancellationToken).ConfigureAwait(false)).Commit;
        foreach (string optional in optionalFiles)
        {
            try
            {
                commit = (await client.DownloadCoreAsync(repoId, optional, commit, cancellationToken).ConfigureAwait(false)).Commit;
            }
            catch (HubNotFoundException ex) when (ex.IsEntryNotFound)
            {
                // Optional by definition: HF also records such files under .no_exist/ and moves on.
            }
            catch (HubOfflineException) when (commit is not null)
            {
                // Offline (or unreachable) and never fetched: transformers also treats a missing optional file as absent.
            }
        }
        commit ??= client.Cache.ResolveCommit(repoId, options?.Revision ?? "main")
            ?? throw new HubOfflineException($"No files were requested from '{repoId}' and its revision is not in the cache.");
        return Path.Combine(client.Cache.RepoFolder(repoId), "snapshots", commit);
    }

    /// <summary>Blocking form of <see cref="ResolveAsync"/> for synchronous <c>FromPretrained</c> overloads.</summary>
    public static string Resolve(string pathOrHubId, IReadOnlyList<string> requiredFiles, IReadOnlyList<string>? optionalFiles = null,
        HubOptions? options = null, CancellationToken cancellationToken = default) =>
        // Task.Run keeps the continuation off a caller's synchronization context (no UI-thread deadlock).
        Task.Run(() => ResolveAsync(pathOrHubId, requiredFiles, optionalFiles, options, cancellationToken), cancellationToken)
            .GetAwaiter().GetResult();

    /// <summary>
    /// A value that can only be meant as a path (rooted, relative with dots, home-relative, or deeper than
    /// <c>org/name</c>) is reported as a missing folder rather than sent to the Hub.
    /// </summary>
    internal static bool LooksLikeLocalPath(string value) =>
        Path.IsPathRooted(value) || value.StartsWith('.') || value.StartsWith('~') || value.Contains('\\') ||
        value.Count(c => c == '/') > 1;
}
