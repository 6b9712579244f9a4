namespace DistilBert.Sharp.Hub;

/// <summary>
/// Progress of one file download, reported through <see cref="IProgress{T}"/>.
/// </summary>
/// <param name="FileName">The file being downloaded (a repository path for Hub files, else the destination's file name).</param>
/// <param name="BytesDownloaded">Bytes of the file present on disk so far, including bytes resumed from an earlier attempt.</param>
/// <param name="TotalBytes">The file's full size when the server announced it; null when unknown.</param>
/// <param name="ResumedFromBytes">Bytes that were already on disk when this attempt started (0 for a fresh download).</param>
public sealed record DownloadProgress(string FileName, long BytesDownloaded, long? TotalBytes, long ResumedFromBytes = 0)
{
    /// <summary>Fraction done in [0, 1], or null when the total size is unknown.</summary>
    public double? Fraction => TotalBytes is > 0 ? Math.Min(1.0, (double)BytesDownloaded / TotalBytes.Value) : null;
}
