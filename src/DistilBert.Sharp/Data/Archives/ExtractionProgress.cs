namespace DistilBert.Sharp.Data.Archives;

/// <summary>Progress of an archive extraction, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="FilesExtracted">Files written (or found complete from an earlier, interrupted run) so far.</param>
/// <param name="EntriesSkipped">Entries the filter rejected, plus links and special files that are not materialised.</param>
/// <param name="ArchiveBytesRead">Compressed bytes of the archive consumed so far.</param>
/// <param name="ArchiveBytesTotal">The archive's size on disk.</param>
/// <param name="CurrentEntry">The entry being processed, as named in the archive.</param>
public sealed record ExtractionProgress(long FilesExtracted, long EntriesSkipped, long ArchiveBytesRead, long ArchiveBytesTotal, string? CurrentEntry)
{
    /// <summary>Fraction of the archive consumed, in [0, 1].</summary>
    public double Fraction => ArchiveBytesTotal > 0 ? Math.Min(1.0, (double)ArchiveBytesRead / ArchiveBytesTotal) : 1.0;
}
