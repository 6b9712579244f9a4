using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace DistilBert.Sharp.Tests.Data.Archives;

/// <summary>Builds small .tar.gz archives for tests, with System.Formats.Tar (an implementation independent of the reader's filter logic).</summary>
internal static class TestArchives
{
    /// <summary>A regular file entry.</summary>
    public static (string Name, string? Text, TarEntryType Type, string? LinkName) File(string name, string text) => (name, text, TarEntryType.RegularFile, null);

    /// <summary>A directory entry.</summary>
    public static (string Name, string? Text, TarEntryType Type, string? LinkName) Dir(string name) => (name, null, TarEntryType.Directory, null);

    /// <summary>A link entry.</summary>
    public static (string Name, string? Text, TarEntryType Type, string? LinkName) Link(string name, string target, bool hard = false) =>
        (name, null, hard ? TarEntryType.HardLink : TarEntryType.SymbolicLink, target);

    /// <summary>Writes the entries, in order, as a gzip-compressed PAX tar.</summary>
    public static void Write(string path, params (string Name, string? Text, TarEntryType Type, string? LinkName)[] entries)
    {
        using var file = System.IO.File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (var (name, text, type, link) in entries)
        {
            var entry = new PaxTarEntry(type, name);
            if (link is not null) entry.LinkName = link;
            if (text is not null) entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text));
            writer.WriteEntry(entry);
        }
    }

    /// <summary>The reviews of the synthetic aclImdb: name → text.</summary>
    public static readonly Dictionary<string, string> Reviews = new()
    {
        ["aclImdb/train/pos/0_9.txt"] = "A wonderful film. Caf\u00e9 scenes!<br /><br />Loved it.",
        ["aclImdb/train/pos/1_7.txt"] = "Good acting.",
        ["aclImdb/train/neg/0_2.txt"] = "Dull and long.",
        ["aclImdb/train/neg/1_3.txt"] = "Not worth it.",
        ["aclImdb/train/neg/2_1.txt"] = "Terrible.",
        ["aclImdb/test/pos/0_10.txt"] = "Masterpiece.",
        ["aclImdb/test/neg/0_1.txt"] = "Awful \u2014 truly.",
    };

    /// <summary>A miniature aclImdb_v1.tar.gz with the real layout, including entries the default filter skips.</summary>
    public static void WriteMiniImdb(string path)
    {
        var entries = new List<(string, string?, TarEntryType, string?)>
        {
            Dir("aclImdb/"), File("aclImdb/README", "Large Movie Review Dataset v1.0"), File("aclImdb/imdb.vocab", "the\nand\n"),
            File("aclImdb/imdbEr.txt", "0.1\n"), Dir("aclImdb/train/"), File("aclImdb/train/labeledBow.feat", "0 0:1\n"),
            File("aclImdb/train/urls_pos.txt", "http://example/\n"), Dir("aclImdb/train/unsup/"), File("aclImdb/train/unsup/0_0.txt", "Unlabelled."),
        };
        entries.AddRange(Reviews.Select(r => File(r.Key, r.Value)));
        Write(path, [.. entries]);
    }
}
