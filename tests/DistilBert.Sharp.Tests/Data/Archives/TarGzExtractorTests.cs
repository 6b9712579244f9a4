using DistilBert.Sharp.Data;
using DistilBert.Sharp.Data.Archives;
using DistilBert.Sharp.Tests.Infrastructure;

namespace DistilBert.Sharp.Tests.Data.Archives;

public sealed class TarGzExtractorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Target => _dir.Combine("target");

    [Fact]
    public async Task Extracts_accepted_entries_byte_exact_and_skips_rejected_ones()
    {
        string archive = _dir.Combine("mini.tar.gz");
        TestArchives.WriteMiniImdb(archive);
        ExtractionResult result = await TarGzExtractor.ExtractAsync(archive, Target, ImdbDataset.IsLabelledReviewEntry);

        foreach (var (name, text) in TestArchives.Reviews)
            Assert.Equal(text, File.ReadAllText(Path.Combine(Target, name)));
        Assert.True(File.Exists(Path.Combine(Target, "aclImdb", "README")));
        Assert.False(Directory.Exists(Path.Combine(Target, "aclImdb", "train", "unsup")));
        Assert.False(File.Exists(Path.Combine(Target, "aclImdb", "imdb.vocab")));
        Assert.False(File.Exists(Path.Combine(Target, "aclImdb", "train", "labeledBow.feat")));
        Assert.Equal(TestArchives.Reviews.Count + 1, result.FilesExtracted);
        Assert.Equal(5, result.EntriesSkipped); // vocab, imdbEr, labeledBow, urls_pos, unsup/0_0 (the unsup dir entry is not a file)
        Assert.Empty(Directory.GetFiles(Target, "*.extracting", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("aclImdb/../../x")]
    [InlineData("/tmp/distilbert-sharp-absolute-escape")]
    public async Task Entry_escaping_the_target_is_refused_and_nothing_is_written_outside(string evil)
    {
        string archive = _dir.Combine("evil.tar.gz");
        TestArchives.Write(archive, TestArchives.File("aclImdb/README", "ok"), TestArchives.File(evil, "pwned"));
        var ex = await Assert.ThrowsAsync<UnsafeArchiveEntryException>(() => TarGzExtractor.ExtractAsync(archive, Target));

        Assert.Contains($"'{evil}'", ex.Message);
        Assert.Equal(evil, ex.EntryName);
        Assert.False(File.Exists(_dir.Combine("x")));
        Assert.False(File.Exists("/tmp/distilbert-sharp-absolute-escape"));
        Assert.False(File.Exists(TarGzExtractor.MarkerPath(Path.GetFullPath(Target), new FileInfo(archive))));
    }

    [Theory]
    [InlineData("../../outside.txt", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("../outside.txt", true)]
    public async Task Links_pointing_outside_are_refused(string linkTarget, bool hard)
    {
        string archive = _dir.Combine("links.tar.gz");
        TestArchives.Write(archive, TestArchives.Link("aclImdb/link", linkTarget, hard));
        var ex = await Assert.ThrowsAsync<UnsafeArchiveEntryException>(() => TarGzExtractor.ExtractAsync(archive, Target));
        Assert.Contains(linkTarget, ex.Message);
    }

    [Fact]
    public async Task Links_inside_the_target_become_plain_copies()
    {
        string archive = _dir.Combine("links.tar.gz");
        TestArchives.Write(archive, TestArchives.File("a/data.txt", "payload"), TestArchives.Link("a/sym.txt", "data.txt"),
            TestArchives.Link("b/hard.txt", "a/data.txt", hard: true));
        await TarGzExtractor.ExtractAsync(archive, Target);

        foreach (string copy in new[] { Path.Combine(Target, "a", "sym.txt"), Path.Combine(Target, "b", "hard.txt") })
        {
            Assert.Equal("payload", File.ReadAllText(copy));
            Assert.Null(new FileInfo(copy).LinkTarget);
        }
    }

    [Fact]
    public async Task Interrupted_extraction_resumes_and_a_finished_one_is_not_repeated()
    {
        string archive = _dir.Combine("mini.tar.gz");
        TestArchives.WriteMiniImdb(archive);
        using var cts = new CancellationTokenSource();
        int seen = 0;
        bool CancelAfterThree(string name) { if (++seen == 3) cts.Cancel(); return true; }
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TarGzExtractor.ExtractAsync(archive, Target, CancelAfterThree, null, cts.Token));
        string marker = TarGzExtractor.MarkerPath(Path.GetFullPath(Target), new FileInfo(archive));
        Assert.False(File.Exists(marker));

        ExtractionResult second = await TarGzExtractor.ExtractAsync(archive, Target);
        Assert.False(second.AlreadyComplete);
        Assert.True(File.Exists(marker));
        foreach (var (name, text) in TestArchives.Reviews)
            Assert.Equal(text, File.ReadAllText(Path.Combine(Target, name)));

        ExtractionResult third = await TarGzExtractor.ExtractAsync(archive, Target);
        Assert.True(third.AlreadyComplete);

        // A different selection does not trust the marker of another one.
        ExtractionResult other = await TarGzExtractor.ExtractAsync(archive, Target, n => true, "other-selection", null, CancellationToken.None);
        Assert.False(other.AlreadyComplete);
    }

    [Fact]
    public async Task Corrupt_or_truncated_archive_gives_a_clear_error_naming_it()
    {
        string archive = _dir.Combine("mini.tar.gz");
        TestArchives.WriteMiniImdb(archive);
        byte[] bytes = File.ReadAllBytes(archive);
        string truncated = _dir.Combine("truncated.tar.gz");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        string garbage = _dir.Combine("garbage.tar.gz");
        File.WriteAllBytes(garbage, HubTestBytes(4096));

        foreach (string bad in new[] { truncated, garbage })
        {
            var ex = await Assert.ThrowsAsync<InvalidDataException>(() => TarGzExtractor.ExtractAsync(bad, _dir.Combine("t-" + Path.GetFileName(bad))));
            Assert.Contains(bad, ex.Message);
        }
    }

    [Fact]
    public async Task Missing_archive_is_named()
    {
        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => TarGzExtractor.ExtractAsync(_dir.Combine("nope.tar.gz"), Target));
        Assert.Contains("nope.tar.gz", ex.Message);
    }

    private static byte[] HubTestBytes(int n)
    {
        var b = new byte[n];
        new Random(5).NextBytes(b);
        return b;
    }
}
