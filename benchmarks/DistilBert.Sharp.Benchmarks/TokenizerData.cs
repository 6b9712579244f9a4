using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace DistilBert.Sharp.Benchmarks;

/// <summary>Locates ../shared and reads the labeled IMDb reviews straight from the archive (nothing is extracted).</summary>
internal static class TokenizerData
{
    /// <summary>The shared folder: $DISTILBERT_SHARP_SHARED, or "shared" beside the repository root.</summary>
    public static string SharedRoot()
    {
        string? overridden = Environment.GetEnvironmentVariable("DISTILBERT_SHARP_SHARED");
        if (!string.IsNullOrEmpty(overridden)) return overridden;
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "DistilBert.Sharp.sln")))
                    return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
            }
        }
        throw new DirectoryNotFoundException("Cannot find ../shared; set DISTILBERT_SHARP_SHARED.");
    }

    /// <summary>The 50,000 labeled reviews (train and test, pos and neg; the unlabeled "unsup" set is skipped), in archive order.</summary>
    public static List<string> ReadLabeledReviews(string archivePath, int limit = int.MaxValue)
    {
        var reviews = new List<string>(Math.Min(limit, 50_000));
        using var file = File.OpenRead(archivePath);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (reviews.Count < limit && tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
            string[] parts = entry.Name.Split('/');
            // aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt
            if (parts.Length != 4 || parts[1] is not ("train" or "test") || parts[2] is not ("pos" or "neg") || !parts[3].EndsWith(".txt", StringComparison.Ordinal))
                continue;
            using var reader = new StreamReader(entry.DataStream, Encoding.UTF8);
            reviews.Add(reader.ReadToEnd());
        }
        return reviews;
    }
}
