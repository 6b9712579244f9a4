namespace DistilBert.Sharp.Data.Archives;

/// <summary>
/// An archive entry would be written outside the target folder (a <c>..</c> path, an absolute path, or a link
/// pointing outside). Extraction stops: such an archive is corrupt or malicious.
/// </summary>
public sealed class UnsafeArchiveEntryException : IOException
{
    /// <summary>Creates the exception.</summary>
    public UnsafeArchiveEntryException(string message) : base(message) { }

    /// <summary>The offending entry name as it appears in the archive.</summary>
    public string? EntryName { get; init; }
}
