using Microsoft.Extensions.Logging;

namespace DistilBert.Sharp.Hub;

/// <summary>
/// Settings of the Hub client. Every property left null falls back to the environment variable that
/// <c>huggingface_hub</c> reads, so a machine configured for Python works unchanged.
/// </summary>
public sealed class HubOptions
{
    /// <summary>The default Hub address.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>The Hub address; null = <c>HF_ENDPOINT</c>, else <see cref="DefaultEndpoint"/>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>
    /// Access token for gated or private repositories, sent as <c>Authorization: Bearer</c> to the Hub only (never to
    /// other hosts a download is redirected to, never logged); null = <c>HF_TOKEN</c>.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// The cache root (the folder holding <c>models--org--name</c>); null = <c>HF_HUB_CACHE</c>, else
    /// <c>$HF_HOME/hub</c>, else <c>~/.cache/huggingface/hub</c>.
    /// </summary>
    public string? CacheDir { get; set; }

    /// <summary>Use only the cache, never the network; null = <c>HF_HUB_OFFLINE</c> (1/true/yes/on).</summary>
    public bool? Offline { get; set; }

    /// <summary>Branch, tag or commit hash to download from. Default <c>main</c>.</summary>
    public string Revision { get; set; } = "main";

    /// <summary>
    /// How many times a download that broke off mid-file is resumed (with an HTTP Range request) before giving up.
    /// </summary>
    public int MaxResumeAttempts { get; set; } = 3;

    /// <summary>Handler for the HTTP client the Hub client creates (tests, proxies). Ignored when <see cref="HttpClient"/> is set.</summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>
    /// A ready HTTP client to use; the caller keeps ownership. It should not follow redirects itself: the Hub puts
    /// the metadata of large files on the redirect response, and the client follows redirects on its own.
    /// </summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Receives download progress of each file.</summary>
    public IProgress<DownloadProgress>? Progress { get; set; }

    /// <summary>Where the client logs what it downloads or reuses (never the token).</summary>
    public ILogger? Logger { get; set; }

    /// <summary>The endpoint after applying the environment fallback, without a trailing slash.</summary>
    public string ResolveEndpoint()
    {
        string value = Endpoint ?? NonEmptyEnv("HF_ENDPOINT") ?? DefaultEndpoint;
        return value.TrimEnd('/');
    }

    /// <summary>The token after applying the environment fallback, or null.</summary>
    public string? ResolveToken() => string.IsNullOrWhiteSpace(Token) ? NonEmptyEnv("HF_TOKEN") : Token.Trim();

    /// <summary>Whether offline mode is on after applying the environment fallback.</summary>
    public bool ResolveOffline() => Offline ?? IsTruthy(Environment.GetEnvironmentVariable("HF_HUB_OFFLINE"));

    /// <summary>The cache root after applying the environment fallbacks (see <see cref="CacheDir"/>).</summary>
    public string ResolveCacheDir() => CacheDir ?? HubCache.DefaultCacheDirectory();

    internal static string? NonEmptyEnv(string name)
    {
        string? value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    // huggingface_hub's _is_true: "1", "ON", "YES", "TRUE" in any case.
    internal static bool IsTruthy(string? value) =>
        value is not null && value.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";
}
