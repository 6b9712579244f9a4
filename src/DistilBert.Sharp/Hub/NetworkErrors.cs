using System.Net.Http;
using System.Net.Sockets;

namespace DistilBert.Sharp.Hub;

/// <summary>
/// Recognises "this machine is offline" among network failures. A host name that does not resolve will not resolve a
/// second later either: retrying it only delays the message (the first-hour run retried DNS failures four times), so
/// such a failure becomes a <see cref="HubOfflineException"/> at once, naming the address that was tried.
/// </summary>
internal static class NetworkErrors
{
    /// <summary>True when <paramref name="ex"/> (or a cause) is a failed host-name lookup.</summary>
    public static bool IsNameResolutionFailure(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }) return true;
            if (ex is SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }) return true;
        }
        return false;
    }

    /// <summary>The one message for an unresolvable host: what was tried, why it failed, that the machine looks offline.</summary>
    public static string OfflineMessage(Uri uri, Exception ex) =>
        $"Cannot reach {HttpTransport.Describe(uri)}: the host name '{uri.Host}' could not be resolved ({Innermost(ex).Message}). " +
        "This machine looks offline (no network or no DNS); nothing was downloaded.";

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null) ex = ex.InnerException;
        return ex;
    }
}
