using System.Net;

namespace DistilBert.Sharp.Hub;

/// <summary>
/// Base of every error raised by the Hub client and the file downloader. Messages name the repository, file and
/// revision involved but never contain an access token.
/// </summary>
public class HubException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HubException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public HubException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>The HTTP status the server answered with, when the error came from a response.</summary>
    public HttpStatusCode? StatusCode { get; init; }
}

/// <summary>
/// The server refused access (HTTP 401 or 403): the repository is gated or private, or it does not exist (the Hub
/// answers 401 for unknown repositories to anonymous callers), or the token lacks access.
/// </summary>
public sealed class HubAuthenticationException : HubException
{
    /// <summary>Creates the exception.</summary>
    public HubAuthenticationException(string message) : base(message) { }
}

/// <summary>The repository, revision or file does not exist (HTTP 404).</summary>
public sealed class HubNotFoundException : HubException
{
    /// <summary>Creates the exception.</summary>
    public HubNotFoundException(string message) : base(message) { }

    /// <summary>
    /// True when the repository and revision exist but the file does not (HF's <c>EntryNotFound</c>); optional files
    /// are then skipped instead of failing.
    /// </summary>
    public bool IsEntryNotFound { get; init; }
}

/// <summary>
/// A file is needed but the client may not use the network (offline mode, or the Hub is unreachable) and the local
/// cache does not have it.
/// </summary>
public sealed class HubOfflineException : HubException
{
    /// <summary>Creates the exception.</summary>
    public HubOfflineException(string message, Exception? innerException = null) : base(message, innerException) { }
}

/// <summary>
/// A download finished but its content is wrong: the size differs from the announced one, or its sha256 differs from
/// the ETag the Hub gave for an LFS file. The partial file is discarded so that the next attempt starts afresh.
/// </summary>
public sealed class DownloadIntegrityException : HubException
{
    /// <summary>Creates the exception.</summary>
    public DownloadIntegrityException(string message) : base(message) { }
}
