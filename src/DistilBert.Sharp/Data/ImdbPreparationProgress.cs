namespace DistilBert.Sharp.Data;

/// <summary>The step <see cref="ImdbDataset.EnsureAsync(string?, string, ImdbOptions?, CancellationToken)"/> is in.</summary>
public enum ImdbPreparationStage
{
    /// <summary>Downloading the archive (resumable).</summary>
    Downloading,

    /// <summary>Extracting the reviews from the archive.</summary>
    Extracting,
}

/// <summary>Progress of preparing the IMDb data: bytes downloaded, or compressed bytes extracted.</summary>
/// <param name="Stage">The current step.</param>
/// <param name="BytesDone">Bytes downloaded (including resumed ones), or compressed archive bytes consumed.</param>
/// <param name="BytesTotal">The archive's size when known.</param>
/// <param name="FilesExtracted">Files extracted so far (0 while downloading).</param>
public sealed record ImdbPreparationProgress(ImdbPreparationStage Stage, long BytesDone, long? BytesTotal, long FilesExtracted);
