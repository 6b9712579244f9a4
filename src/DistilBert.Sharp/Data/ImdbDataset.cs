using DistilBert.Sharp.Data.Archives;
using DistilBert.Sharp.Hub;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DistilBert.Sharp.Data;

/// <summary>
/// The Large Movie Review Dataset (Maas et al., 2011): locating, downloading and extracting <c>aclImdb</c>, and loading
/// its splits with HF's <c>imdb</c> labels (0 = neg, 1 = pos).
/// </summary>
public static class ImdbDataset
{
    /// <summary>The archive's official address (Stanford AI Lab).</summary>
    public const string ArchiveUrl = "http://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz";

    /// <summary>The archive's file name.</summary>
    public const string ArchiveFileName = "aclImdb_v1.tar.gz";

    /// <summary>The folder the archive extracts to.</summary>
    public const string FolderName = "aclImdb";

    /// <summary>Label names in id order, as HF's <c>imdb</c> data set: 0 = neg, 1 = pos.</summary>
    public static IReadOnlyList<string> LabelNames { get; } = ["neg", "pos"];

    /// <summary>
    /// Returns the <c>aclImdb</c> folder, preparing it when needed. <paramref name="dataPath"/> may be an <c>aclImdb</c>
    /// folder, a folder containing one (or containing the archive), a <c>.tar.gz</c> archive (extracted into
    /// <paramref name="cacheDir"/>), or null to download the archive into <paramref name="cacheDir"/> (resuming a
    /// partial download) and extract it there. A finished extraction is reused.
    /// </summary>
    /// <param name="dataPath">See above; null = download.</param>
    /// <param name="cacheDir">Where archives are downloaded and extracted.</param>
    /// <param name="progress">Download and extraction progress.</param>
    /// <param name="logger">Where to log the steps.</param>
    /// <param name="cancellationToken">Stops the work; a later call resumes it.</param>
    public static Task<string> EnsureAsync(string? dataPath, string cacheDir, IProgress<ImdbPreparationProgress>? progress = null,
        ILogger? logger = null, CancellationToken cancellationToken = default) =>
        EnsureAsync(dataPath, cacheDir, new ImdbOptions { Progress = progress, Logger = logger }, cancellationToken);

    /// <summary>Like the other overload, with all settings in <paramref name="options"/>.</summary>
    /// <param name="dataPath">An aclImdb folder, a folder containing it or the archive, an archive, or null = download.</param>
    /// <param name="cacheDir">Where archives are downloaded and extracted.</param>
    /// <param name="options">Settings; null = defaults.</param>
    /// <param name="cancellationToken">Stops the work; a later call resumes it.</param>
    /// <exception cref="FileNotFoundException"><paramref name="dataPath"/> does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">A folder was given that holds no aclImdb data.</exception>
    /// <exception cref="InvalidDataException">The archive is corrupt or does not contain <c>aclImdb/</c>.</exception>
    public static async Task<string> EnsureAsync(string? dataPath, string cacheDir, ImdbOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cacheDir);
        options ??= new ImdbOptions();
        ILogger logger = options.Logger ?? NullLogger.Instance;
        if (dataPath is null)
        {
            string archive = Path.Combine(cacheDir, ArchiveFileName);
            if (!File.Exists(archive))
            {
                logger.LogInformation("Downloading the IMDb archive from {Url} to {Path}.", options.ArchiveUrl, archive);
                var download = options.Progress is { } p
                    ? new InlineProgress<DownloadProgress>(d => p.Report(new ImdbPreparationProgress(ImdbPreparationStage.Downloading, d.BytesDownloaded, d.TotalBytes, 0)))
                    : null;
                await FileDownloader.DownloadAsync(options.ArchiveUrl, archive, download, cancellationToken).ConfigureAwait(false);
            }
            return await ExtractAsync(archive, cacheDir, options, logger, ownedArchive: true, cancellationToken).ConfigureAwait(false);
        }
        if (Directory.Exists(dataPath))
        {
            if (IsAclImdbFolder(dataPath)) return Path.GetFullPath(dataPath);
            string inner = Path.Combine(dataPath, FolderName);
            if (IsAclImdbFolder(inner)) return Path.GetFullPath(inner);
            string archive = Path.Combine(dataPath, ArchiveFileName);
            if (File.Exists(archive)) return await ExtractAsync(archive, cacheDir, options, logger, ownedArchive: false, cancellationToken).ConfigureAwait(false);
            throw new DirectoryNotFoundException($"'{dataPath}' holds no IMDb data: expected an '{FolderName}' folder (with train/ and test/), " +
                $"a folder containing it, or {ArchiveFileName}. Download it from {ArchiveUrl}, or pass no data path to download it automatically.");
        }
        if (File.Exists(dataPath))
        {
            if (!dataPath.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) && !dataPath.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"'{dataPath}' is a file but not a .tar.gz archive; pass {ArchiveFileName} or an '{FolderName}' folder.", nameof(dataPath));
            return await ExtractAsync(dataPath, cacheDir, options, logger, ownedArchive: false, cancellationToken).ConfigureAwait(false);
        }
        throw new FileNotFoundException($"The IMDb data path '{dataPath}' does not exist. Pass an '{FolderName}' folder, {ArchiveFileName}, " +
            $"or no data path to download it from {ArchiveUrl}.", dataPath);
    }

    /// <summary>Loads <c>train</c> or <c>test</c> (12,500 neg + 12,500 pos reviews each) with labels 0 = neg, 1 = pos.</summary>
    /// <param name="aclImdbDirectory">The <c>aclImdb</c> folder.</param>
    /// <param name="split"><c>train</c> or <c>test</c>.</param>
    /// <param name="cancellationToken">Stops between files.</param>
    public static IReadOnlyList<LabeledText> LoadSplit(string aclImdbDirectory, string split, CancellationToken cancellationToken = default)
    {
        if (split is not ("train" or "test"))
            throw new ArgumentException($"IMDb split '{split}' does not exist; use 'train' or 'test'.", nameof(split));
        return LabeledTextFolder.Load(Path.Combine(aclImdbDirectory, split), LabelNames, cancellationToken);
    }

    /// <summary>
    /// The default extraction filter: the README and the labelled reviews (<c>train|test/pos|neg</c>), not the
    /// unlabelled <c>unsup</c> reviews, URL lists or bag-of-words files.
    /// </summary>
    internal static bool IsLabelledReviewEntry(string name)
    {
        string[] parts = name.Split('/');
        if (parts.Length == 0 || parts[0] != FolderName) return false;
        if (parts.Length == 1) return true; // the folder itself
        if (parts.Length == 2) return parts[1] is "README" or "train" or "test";
        if (parts[1] is not ("train" or "test")) return false;
        return parts[2] is "pos" or "neg";
    }

    // ownedArchive: the library downloaded the archive into the cache, so a damaged copy is deleted and the next run
    // downloads it afresh. The user's own file is never deleted; the message says what to do instead.
    private static async Task<string> ExtractAsync(string archive, string cacheDir, ImdbOptions options, ILogger logger, bool ownedArchive,
        CancellationToken cancellationToken)
    {
        string target = Path.GetFullPath(cacheDir);
        Func<string, bool>? filter = options.IncludeUnsupervisedAndExtras ? null : IsLabelledReviewEntry;
        string key = options.IncludeUnsupervisedAndExtras ? "all" : "labelled-reviews";
        var extractProgress = options.Progress is { } p
            ? new InlineProgress<ExtractionProgress>(e => p.Report(new ImdbPreparationProgress(ImdbPreparationStage.Extracting, e.ArchiveBytesRead, e.ArchiveBytesTotal, e.FilesExtracted)))
            : null;
        logger.LogInformation("Extracting {Archive} into {Target}.", archive, target);
        ExtractionResult result;
        try
        {
            result = await TarGzExtractor.ExtractAsync(archive, target, filter, key, extractProgress, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            if (!ownedArchive)
                throw new InvalidDataException($"{ex.Message} Download {ArchiveFileName} again from {ArchiveUrl} and pass the new copy " +
                    "(or an extracted aclImdb folder) with the data path.", ex);
            File.Delete(archive);
            throw new InvalidDataException($"{ex.Message} The downloaded copy was deleted; run again to download it afresh.", ex);
        }
        if (result.AlreadyComplete) logger.LogInformation("Reusing the earlier extraction in {Target}.", target);
        else logger.LogInformation("Extracted {Files} files into {Target}.", result.FilesExtracted, target);
        string folder = Path.Combine(target, FolderName);
        if (!IsAclImdbFolder(folder))
            throw new InvalidDataException($"'{archive}' does not contain {FolderName}/train and {FolderName}/test; is it {ArchiveFileName}?");
        return folder;
    }

    private static bool IsAclImdbFolder(string path) =>
        Directory.Exists(Path.Combine(path, "train")) && Directory.Exists(Path.Combine(path, "test"));

    /// <summary>Forwards progress synchronously (Progress&lt;T&gt; would post to the thread pool and reorder reports).</summary>
    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
