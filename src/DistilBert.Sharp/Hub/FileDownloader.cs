using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DistilBert.Sharp.Hub;

/// <summary>
/// Resumable HTTP download of one file: the bytes go to <c>&lt;destination&gt;.incomplete</c>; a later call (or an
/// automatic retry after a dropped connection) continues from its length with a Range request when the server
/// supports it (206) and starts over when it does not (200). The length is verified, then the file is renamed into
/// place atomically, so the destination is either absent or complete.
/// </summary>
public static class FileDownloader
{
    /// <summary>Suffix of the partial file kept between attempts (the name Python's huggingface_hub uses too).</summary>
    public const string IncompleteSuffix = ".incomplete";

    private const int BufferSize = 1 << 16;
    private const long ProgressStep = 1 << 18;
    private static readonly TimeSpan ReadIdleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Downloads <paramref name="uri"/> to <paramref name="destinationPath"/>, resuming a partial download left by an
    /// earlier call. Redirects are followed; a connection that breaks off mid-file is resumed up to three times.
    /// </summary>
    /// <param name="uri">The file's absolute http(s) address.</param>
    /// <param name="destinationPath">Where the complete file ends up; its folder is created when missing.</param>
    /// <param name="progress">Receives progress, including the bytes resumed from disk.</param>
    /// <param name="cancellationToken">Stops the download; the partial file stays for the next call to resume.</param>
    /// <exception cref="HubException">The server answered with an error status, or the download kept failing.</exception>
    /// <exception cref="HubOfflineException">The host name does not resolve (the machine looks offline); not retried.</exception>
    /// <exception cref="DownloadIntegrityException">The received length differs from the announced one.</exception>
    public static Task DownloadAsync(Uri uri, string destinationPath, IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationPath);
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"'{uri}' is not an absolute http(s) address.", nameof(uri));
        var request = new DownloadRequest { Progress = progress, DisplayName = Path.GetFileName(destinationPath) };
        return DownloadCoreAsync(HttpTransport.SharedClient, uri, Path.GetFullPath(destinationPath), request, cancellationToken);
    }

    /// <summary>The shared engine; the Hub client adds a token, an expected size and an expected sha256.</summary>
    internal static async Task DownloadCoreAsync(HttpClient client, Uri uri, string destinationPath, DownloadRequest request,
        CancellationToken cancellationToken)
    {
        ILogger logger = request.Logger ?? NullLogger.Instance;
        string partial = destinationPath + IncompleteSuffix;
        Directory.CreateDirectory(Path.GetDirectoryName(destinationPath)!);
        long? total = request.ExpectedSize;
        for (int attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long existing = File.Exists(partial) ? new FileInfo(partial).Length : 0;
            if (total is { } known && existing > known) { File.Delete(partial); existing = 0; }
            if (total is { } done && existing == done && existing > 0) break; // an earlier attempt got every byte
            try
            {
                total = await FetchOnceAsync(client, uri, partial, existing, total, request, logger, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && NetworkErrors.IsNameResolutionFailure(ex))
            {
                throw new HubOfflineException(NetworkErrors.OfflineMessage(uri, ex), ex); // not transient: no retry
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken) && attempt < request.MaxResumeAttempts)
            {
                long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
                logger.LogWarning("Download of {File} broke off at {Bytes} bytes ({Error}); resuming (attempt {Attempt} of {Max}).",
                    request.DisplayName, have, ex.Message, attempt + 1, request.MaxResumeAttempts);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * (attempt + 1)), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                long kept = File.Exists(partial) ? new FileInfo(partial).Length : 0;
                throw new HubException($"Downloading {HttpTransport.Describe(uri)} failed after {request.MaxResumeAttempts + 1} attempts: {ex.Message}" +
                    (kept > 0 ? $" The partial file {partial} ({kept} bytes) is kept; run again to resume." : " Nothing was downloaded."), ex);
            }
        }
        await VerifyAsync(partial, destinationPath, total, request, cancellationToken).ConfigureAwait(false);
        File.Move(partial, destinationPath, overwrite: true);
        logger.LogInformation("Downloaded {File} ({Bytes} bytes) to {Path}.", request.DisplayName, new FileInfo(destinationPath).Length, destinationPath);
    }

    /// <summary>One HTTP exchange: appends to (or restarts) the partial file and returns the file's full size when known.</summary>
    private static async Task<long?> FetchOnceAsync(HttpClient client, Uri uri, string partial, long existing, long? total,
        DownloadRequest request, ILogger logger, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await HttpTransport.SendAsync(client, HttpMethod.Get, uri, request.Token,
            request.TokenAuthority, existing, followAbsolute: true, cancellationToken).ConfigureAwait(false);
        bool append;
        switch (response.StatusCode)
        {
            case HttpStatusCode.PartialContent:
                var range = response.Content.Headers.ContentRange;
                if (range?.From != existing)
                    throw new IOException($"the server resumed at byte {range?.From} instead of {existing}");
                total = range.Length ?? total;
                append = true;
                break;
            case HttpStatusCode.OK:
                if (existing > 0) logger.LogInformation("The server ignored the Range request for {File}; starting over.", request.DisplayName);
                total = response.Content.Headers.ContentLength ?? total;
                append = false;
                break;
            case HttpStatusCode.RequestedRangeNotSatisfiable when existing > 0:
                // The partial file may already hold everything; otherwise it is unusable and is discarded.
                long? serverTotal = response.Content.Headers.ContentRange?.Length;
                if (serverTotal == existing) return existing;
                File.Delete(partial);
                throw new IOException("the server refused to resume the partial file");
            default:
                throw request.ErrorFactory?.Invoke(response) ?? new HubException(
                    $"Downloading {HttpTransport.Describe(uri)} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.")
                { StatusCode = response.StatusCode };
        }

        long written = append ? existing : 0;
        long resumedFrom = written;
        request.Progress?.Report(new DownloadProgress(request.DisplayName, written, total, resumedFrom));
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
        await using (var file = new FileStream(partial, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None,
                         BufferSize, FileOptions.Asynchronous))
        {
            byte[] buffer = new byte[BufferSize];
            long lastReport = written;
            while (true)
            {
                idle.CancelAfter(ReadIdleTimeout); // a stalled connection becomes a resumable error, not a hang
                int read;
                try
                {
                    read = await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new IOException($"no data received for {ReadIdleTimeout.TotalSeconds:0} seconds");
                }
                if (read == 0) break;
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                written += read;
                if (written - lastReport >= ProgressStep)
                {
                    request.Progress?.Report(new DownloadProgress(request.DisplayName, written, total, resumedFrom));
                    lastReport = written;
                }
            }
        }
        request.Progress?.Report(new DownloadProgress(request.DisplayName, written, total, resumedFrom));
        cancellationToken.ThrowIfCancellationRequested();
        if (total is { } expected && written < expected)
            throw new IOException($"the connection closed after {written} of {expected} bytes");
        return total ?? written;
    }

    private static async Task VerifyAsync(string partial, string destinationPath, long? total, DownloadRequest request,
        CancellationToken cancellationToken)
    {
        long length = new FileInfo(partial).Length;
        long? expected = request.ExpectedSize ?? total;
        if (expected is { } size && length != size)
        {
            File.Delete(partial);
            throw new DownloadIntegrityException(
                $"Downloaded {request.DisplayName} has {length} bytes but {size} were announced; the partial file was deleted, run again.");
        }
        if (request.ExpectedSha256 is { } sha)
        {
            string actual;
            await using (var stream = new FileStream(partial, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous))
                actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
            if (!string.Equals(actual, sha, StringComparison.OrdinalIgnoreCase))
            {
                File.Delete(partial);
                throw new DownloadIntegrityException(
                    $"Downloaded {request.DisplayName} has sha256 {actual} but the server announced {sha}; the file was deleted instead of " +
                    $"being stored at {destinationPath}. Run again; if it persists, the server or a proxy is corrupting the download.");
            }
        }
    }

    // Network failures and dropped connections are worth resuming; HTTP error statuses and integrity failures are not.
    private static bool IsTransient(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && ex is IOException or HttpRequestException
            || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested); // HttpClient.Timeout
}

/// <summary>Per-download settings of the shared engine.</summary>
internal sealed class DownloadRequest
{
    public required string DisplayName { get; init; }
    public IProgress<DownloadProgress>? Progress { get; init; }
    public ILogger? Logger { get; init; }
    public string? Token { get; init; }
    public string? TokenAuthority { get; init; }
    public long? ExpectedSize { get; init; }
    public string? ExpectedSha256 { get; init; }
    public int MaxResumeAttempts { get; init; } = 3;
    public Func<HttpResponseMessage, Exception>? ErrorFactory { get; init; }
}
