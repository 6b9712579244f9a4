using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DistilBert.Sharp.Hub;

/// <summary>
/// Downloads files of HuggingFace Hub model repositories into the cache Python's <c>huggingface_hub</c> uses, with
/// its semantics: a HEAD request reads the commit (<c>X-Repo-Commit</c>), the content id (<c>X-Linked-Etag</c> or
/// <c>ETag</c>) and the size (<c>X-Linked-Size</c> or <c>Content-Length</c>); the content is fetched once per ETag into
/// <c>blobs/</c>, resumed from a <c>.incomplete</c> file, verified, and linked from <c>snapshots/&lt;commit&gt;/</c>.
/// Offline (or when the Hub is unreachable) files come from the cache alone.
/// </summary>
public sealed class HubClient : IDisposable
{
    private readonly HubOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ILogger _logger;
    private readonly string _endpoint;
    private readonly string? _token;

    /// <summary>Creates a client; <paramref name="options"/> null = defaults from the environment.</summary>
    public HubClient(HubOptions? options = null)
    {
        _options = options ?? new HubOptions();
        HubNames.ValidateRevision(_options.Revision, nameof(options));
        _endpoint = _options.ResolveEndpoint();
        if (!Uri.TryCreate(_endpoint, UriKind.Absolute, out Uri? endpointUri) || endpointUri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"The Hub endpoint '{_endpoint}' (HubOptions.Endpoint or HF_ENDPOINT) is not an absolute http(s) address.", nameof(options));
        _token = _options.ResolveToken();
        Offline = _options.ResolveOffline();
        Cache = new HubCache(_options.ResolveCacheDir());
        _logger = _options.Logger ?? NullLogger.Instance;
        if (_options.HttpClient is { } injected) _http = injected;
        else { _http = HttpTransport.CreateClient(_options.HttpMessageHandler); _ownsHttp = true; }
    }

    /// <summary>The cache this client reads and writes.</summary>
    public HubCache Cache { get; }

    /// <summary>Whether the client works from the cache only.</summary>
    public bool Offline { get; }

    /// <summary>The address of a file: <c>{endpoint}/{repo}/resolve/{revision}/{file}</c>.</summary>
    public Uri GetFileUrl(string repoId, string fileName, string? revision = null)
    {
        HubNames.ValidateRepoId(repoId, nameof(repoId));
        string file = HubNames.NormalizeRepoFile(fileName, nameof(fileName));
        string rev = revision ?? _options.Revision;
        HubNames.ValidateRevision(rev, nameof(revision));
        string escapedFile = string.Join('/', file.Split('/').Select(Uri.EscapeDataString));
        return new Uri($"{_endpoint}/{repoId}/resolve/{Uri.EscapeDataString(rev)}/{escapedFile}");
    }

    /// <summary>
    /// Returns the local path of <paramref name="fileName"/> in <paramref name="repoId"/> at <paramref name="revision"/>
    /// (default <see cref="HubOptions.Revision"/>), downloading it when the cache does not hold that version.
    /// </summary>
    /// <exception cref="HubAuthenticationException">HTTP 401/403: gated, private or unknown repository.</exception>
    /// <exception cref="HubNotFoundException">HTTP 404: the repository, revision or file does not exist.</exception>
    /// <exception cref="HubOfflineException">Offline or unreachable, and the cache lacks the file.</exception>
    public async Task<string> DownloadFileAsync(string repoId, string fileName, string? revision = null,
        CancellationToken cancellationToken = default) =>
        (await DownloadCoreAsync(repoId, fileName, revision, cancellationToken).ConfigureAwait(false)).Path;

    /// <summary>
    /// Like <see cref="DownloadFileAsync"/> but returns null when the repository exists and the file does not (for
    /// optional files such as <c>tokenizer.json</c>).
    /// </summary>
    public async Task<string?> TryDownloadFileAsync(string repoId, string fileName, string? revision = null,
        CancellationToken cancellationToken = default)
    {
        try
        {
            return await DownloadFileAsync(repoId, fileName, revision, cancellationToken).ConfigureAwait(false);
        }
        catch (HubNotFoundException ex) when (ex.IsEntryNotFound)
        {
            return null;
        }
    }

    /// <summary>Downloads (or finds) a file and returns its path and the commit it belongs to.</summary>
    internal async Task<(string Path, string Commit)> DownloadCoreAsync(string repoId, string fileName, string? revision,
        CancellationToken cancellationToken)
    {
        HubNames.ValidateRepoId(repoId, nameof(repoId));
        string file = HubNames.NormalizeRepoFile(fileName, nameof(fileName));
        string rev = revision ?? _options.Revision;
        HubNames.ValidateRevision(rev, nameof(revision));

        // A pinned commit never changes: a cached file needs no network round trip at all.
        if (HubNames.IsCommitHash(rev) && File.Exists(Cache.SnapshotPath(repoId, rev, file)))
            return (Cache.SnapshotPath(repoId, rev, file), rev);
        if (Offline) return FromCacheOrThrow(repoId, file, rev, "offline mode is on (HubOptions.Offline or HF_HUB_OFFLINE=1)", null);

        HubFileMetadata meta;
        try
        {
            meta = await GetMetadataAsync(repoId, file, rev, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
        {
            _logger.LogWarning("Could not reach {Endpoint} ({Error}); looking for {File} of {Repo} in the cache.", _endpoint, ex.Message, file, repoId);
            string why = NetworkErrors.IsNameResolutionFailure(ex)
                ? $"the host name of {_endpoint} could not be resolved, so this machine looks offline ({ex.Message})"
                : $"{_endpoint} could not be reached ({ex.Message})";
            return FromCacheOrThrow(repoId, file, rev, why, ex);
        }

        Cache.WriteRef(repoId, rev, meta.Commit);
        string pointer = Cache.SnapshotPath(repoId, meta.Commit, file);
        if (File.Exists(pointer))
        {
            _logger.LogDebug("Using cached {File} of {Repo} at commit {Commit}.", file, repoId, meta.Commit);
            return (pointer, meta.Commit);
        }
        string blob = Cache.BlobPath(repoId, meta.ETag);
        if (!File.Exists(blob))
        {
            using FileLock fileLock = await FileLock.AcquireAsync(Cache.LockPath(repoId, meta.ETag), cancellationToken).ConfigureAwait(false);
            if (!File.Exists(blob)) // another process may have finished it while we waited for the lock
            {
                _logger.LogInformation("Downloading {File} of {Repo} ({Size} bytes) at commit {Commit}.", file, repoId, meta.Size, meta.Commit);
                var request = new DownloadRequest
                {
                    DisplayName = file,
                    Progress = _options.Progress,
                    Logger = _logger,
                    Token = _token,
                    TokenAuthority = new Uri(_endpoint).Authority,
                    ExpectedSize = meta.Size,
                    ExpectedSha256 = HubNames.IsSha256(meta.ETag) ? meta.ETag : null,
                    MaxResumeAttempts = _options.MaxResumeAttempts,
                    ErrorFactory = response => HubErrors.FromResponse(response, repoId, file, rev, _endpoint, _token is not null),
                };
                await FileDownloader.DownloadCoreAsync(_http, meta.DownloadUri, blob, request, cancellationToken).ConfigureAwait(false);
            }
        }
        Cache.LinkSnapshot(blob, pointer);
        return (pointer, meta.Commit);
    }

    private async Task<HubFileMetadata> GetMetadataAsync(string repoId, string file, string revision, CancellationToken cancellationToken)
    {
        Uri url = GetFileUrl(repoId, file, revision);
        string authority = url.Authority;
        // HF semantics: follow only relative redirects (renamed repositories); an absolute redirect points to the CDN
        // copy of a large file, and the Hub's own answer carries the metadata (X-Linked-Etag, X-Linked-Size).
        using HttpResponseMessage response = await HttpTransport.SendAsync(_http, HttpMethod.Head, url, _token, authority,
            rangeStart: null, followAbsolute: false, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode && !HttpTransport.IsRedirect(response.StatusCode))
        {
            var error = HubErrors.FromResponse(response, repoId, file, revision, _endpoint, _token is not null);
            if (error is HubNotFoundException { IsEntryNotFound: true } && HubErrors.Header(response, "X-Repo-Commit") is { } missingAt)
            {
                Cache.WriteRef(repoId, revision, missingAt);
                Cache.MarkMissing(repoId, missingAt, file);
            }
            throw error;
        }
        string? commit = HubErrors.Header(response, "X-Repo-Commit");
        string? etag = NormalizeETag(HubErrors.Header(response, "X-Linked-Etag") ?? HubErrors.Header(response, "ETag"));
        long? size = long.TryParse(HubErrors.Header(response, "X-Linked-Size"), out long linked) ? linked : response.Content.Headers.ContentLength;
        if (commit is null || etag is null)
            throw new HubException($"{_endpoint} answered for '{file}' of '{repoId}' without an {(commit is null ? "X-Repo-Commit" : "ETag")} " +
                "header, so the file cannot be cached. Is HF_ENDPOINT (or HubOptions.Endpoint) a HuggingFace Hub?") { StatusCode = response.StatusCode };
        if (etag.Contains('/') || etag.Contains('\\') || etag.Contains("..", StringComparison.Ordinal))
            throw new HubException($"{_endpoint} returned an unusable ETag for '{file}' of '{repoId}'.");
        Uri download = response.Headers.Location is { } location ? (location.IsAbsoluteUri ? location : new Uri(url, location)) : url;
        return new HubFileMetadata(commit, etag, size, download);
    }

    private (string Path, string Commit) FromCacheOrThrow(string repoId, string file, string revision, string why, Exception? inner)
    {
        string? commit = Cache.ResolveCommit(repoId, revision);
        if (commit is not null)
        {
            string pointer = Cache.SnapshotPath(repoId, commit, file);
            if (File.Exists(pointer)) return (pointer, commit);
            if (Cache.IsKnownMissing(repoId, commit, file))
                throw new HubNotFoundException($"'{file}' does not exist in '{repoId}' at revision '{revision}' (recorded in the cache).") { IsEntryNotFound = true };
        }
        throw new HubOfflineException(
            $"'{file}' of '{repoId}' at revision '{revision}' is needed but {why}, and the cache at {Cache.RepoFolder(repoId)} does not hold it" +
            (commit is null ? " (that revision was never downloaded here)." : $" (commit {commit}).") +
            " Run once with network access, or pass a local folder that contains the model files.", inner);
    }

    // huggingface_hub's _normalize_etag: drop a weak-validator prefix and the quotes.
    internal static string? NormalizeETag(string? etag)
    {
        if (string.IsNullOrWhiteSpace(etag)) return null;
        string value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal)) value = value[2..];
        value = value.Trim('"');
        return value.Length == 0 ? null : value;
    }

    private static bool IsUnreachable(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && ex is HttpRequestException or TaskCanceledException or IOException;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    private sealed record HubFileMetadata(string Commit, string ETag, long? Size, Uri DownloadUri);
}
