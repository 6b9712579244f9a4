using Microsoft.Extensions.Logging;

namespace DistilBert.Sharp.Data;

/// <summary>Settings of <see cref="ImdbDataset.EnsureAsync(string?, string, ImdbOptions?, CancellationToken)"/>.</summary>
public sealed class ImdbOptions
{
    /// <summary>Where the archive is downloaded from when no data path is given; default <see cref="ImdbDataset.ArchiveUrl"/>.</summary>
    public Uri ArchiveUrl { get; set; } = new(ImdbDataset.ArchiveUrl);

    /// <summary>
    /// Also extract the 50,000 unlabelled <c>train/unsup</c> reviews, the vocabulary and bag-of-words files (skipped by
    /// default: the classifier needs only <c>train|test/pos|neg</c>).
    /// </summary>
    public bool IncludeUnsupervisedAndExtras { get; set; }

    /// <summary>Receives download and extraction progress.</summary>
    public IProgress<ImdbPreparationProgress>? Progress { get; set; }

    /// <summary>Logs what is downloaded, extracted or reused.</summary>
    public ILogger? Logger { get; set; }
}
