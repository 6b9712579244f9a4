using System.Net;
using System.Net.Http.Headers;

namespace DistilBert.Sharp.Hub;

/// <summary>
/// HTTP plumbing shared by the downloader and the Hub client: one pooled client that does not follow redirects by
/// itself, and a redirect loop that forwards the access token only to the host it was meant for.
/// </summary>
internal static class HttpTransport
{
    internal const int MaxRedirects = 10;

    private static readonly Lazy<HttpClient> Shared = new(() => CreateClient(null));

    /// <summary>The process-wide client used when the caller injects none.</summary>
    public static HttpClient SharedClient => Shared.Value;

    /// <summary>Creates a client around <paramref name="handler"/> (or a fresh pooled handler) with redirects off.</summary>
    public static HttpClient CreateClient(HttpMessageHandler? handler)
    {
        handler ??= new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = TimeSpan.FromSeconds(100) };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("DistilBert.Sharp", "0.1"));
        return client;
    }

    public static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary>
    /// Sends a request and follows redirects. The bearer token goes only to <paramref name="tokenAuthority"/>: a
    /// large file's redirect target (a CDN with a signed URL) must not receive it.
    /// </summary>
    /// <remarks><paramref name="followAbsolute"/> false stops at a redirect to an absolute URL (the Hub's HEAD semantics).</remarks>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, Uri uri, string? token,
        string? tokenAuthority, long? rangeStart, bool followAbsolute, CancellationToken cancellationToken)
    {
        Uri current = uri;
        for (int hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, current);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
            if (rangeStart is > 0) request.Headers.Range = new RangeHeaderValue(rangeStart, null);
            if (token is not null && string.Equals(current.Authority, tokenAuthority, StringComparison.OrdinalIgnoreCase))
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
                .ConfigureAwait(false);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is null) return response;
            Uri location = response.Headers.Location;
            if (!followAbsolute && location.IsAbsoluteUri) return response;
            if (hop >= MaxRedirects)
            {
                response.Dispose();
                throw new HubException($"Too many redirects (more than {MaxRedirects}) starting at {Describe(uri)}.");
            }
            response.Dispose();
            current = location.IsAbsoluteUri ? location : new Uri(current, location);
        }
    }

    /// <summary>A URL for messages and logs: scheme, host and path, without the query (signed URLs carry secrets there).</summary>
    public static string Describe(Uri uri) => uri.IsAbsoluteUri ? uri.GetLeftPart(UriPartial.Path) : uri.OriginalString;
}
