using DistilBert.Sharp.Data;
using DistilBert.Sharp.Data.Archives;
using DistilBert.Sharp.Tests.Data.Archives;
using DistilBert.Sharp.Tests.Hub;
using DistilBert.Sharp.Tests.Infrastructure;

namespace DistilBert.Sharp.Tests.Data;

public sealed class ImdbDatasetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void AssertMiniTrainSplit(string aclImdb)
    {
        var train = ImdbDataset.LoadSplit(aclImdb, "train");
        Assert.Equal(5, train.Count);
        foreach (var example in train)
        {
            string name = "aclImdb/train/" + example.Id;
            Assert.Equal(TestArchives.Reviews[name], example.Text);
            Assert.Equal(example.Id!.StartsWith("pos/", StringComparison.Ordinal) ? 1 : 0, example.Label); // HF imdb: 0 = neg, 1 = pos
        }
        Assert.Equal(2, ImdbDataset.LoadSplit(aclImdb, "test").Count);
    }

    [Fact]
    public async Task Archive_path_is_extracted_into_the_cache_without_unsup_and_vocab()
    {
        string archive = _dir.Combine(ImdbDataset.ArchiveFileName);
        TestArchives.WriteMiniImdb(archive);
        string aclImdb = await ImdbDataset.EnsureAsync(archive, _dir.Combine("cache"));

        Assert.Equal(Path.Combine(_dir.Path, "cache", "aclImdb"), aclImdb);
        AssertMiniTrainSplit(aclImdb);
        Assert.False(Directory.Exists(Path.Combine(aclImdb, "train", "unsup")));
        Assert.False(File.Exists(Path.Combine(aclImdb, "imdb.vocab")));
    }

    [Fact]
    public async Task Extras_are_extracted_when_asked()
    {
        string archive = _dir.Combine(ImdbDataset.ArchiveFileName);
        TestArchives.WriteMiniImdb(archive);
        string aclImdb = await ImdbDataset.EnsureAsync(archive, _dir.Combine("cache"), new ImdbOptions { IncludeUnsupervisedAndExtras = true });
        Assert.True(File.Exists(Path.Combine(aclImdb, "train", "unsup", "0_0.txt")));
        Assert.True(File.Exists(Path.Combine(aclImdb, "imdb.vocab")));
    }

    [Fact]
    public async Task AclImdb_folder_or_its_parent_is_used_in_place()
    {
        string archive = _dir.Combine("a.tar.gz");
        TestArchives.WriteMiniImdb(archive);
        await TarGzExtractor.ExtractAsync(archive, _dir.Combine("data"));
        string expected = Path.Combine(_dir.Path, "data", "aclImdb");

        Assert.Equal(expected, await ImdbDataset.EnsureAsync(expected, _dir.Combine("unused")));
        Assert.Equal(expected, await ImdbDataset.EnsureAsync(_dir.Combine("data"), _dir.Combine("unused")));
        Assert.False(Directory.Exists(_dir.Combine("unused")));
    }

    [Fact]
    public async Task No_data_path_downloads_the_archive_with_resume_then_extracts_it()
    {
        string source = _dir.Combine("served.tar.gz");
        TestArchives.WriteMiniImdb(source);
        using var hub = new FakeHub();
        var file = hub.Add("stanford/imdb", "archive", File.ReadAllBytes(source), lfs: true);
        hub.DropNext(count: 1, bytes: 100);
        var stages = new List<ImdbPreparationStage>();
        var options = new ImdbOptions
        {
            ArchiveUrl = new Uri($"{hub.Endpoint}/cdn/{file.Sha256}"),
            Progress = new SynchronousProgress<ImdbPreparationProgress>(p => stages.Add(p.Stage)),
        };

        string aclImdb = await ImdbDataset.EnsureAsync(null, _dir.Combine("cache"), options);

        AssertMiniTrainSplit(aclImdb);
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(_dir.Combine("cache", ImdbDataset.ArchiveFileName)));
        Assert.Equal("bytes=100-", hub.Server.Requests.Last().Header("Range"));
        Assert.Equal(ImdbPreparationStage.Downloading, stages[0]);
        Assert.Equal(ImdbPreparationStage.Extracting, stages[^1]);

        // A second call neither downloads nor extracts again.
        int requests = hub.Server.Requests.Count;
        Assert.Equal(aclImdb, await ImdbDataset.EnsureAsync(null, _dir.Combine("cache"), options));
        Assert.Equal(requests, hub.Server.Requests.Count);
    }

    [Fact]
    public async Task Missing_path_and_folders_without_data_are_named()
    {
        var missing = await Assert.ThrowsAsync<FileNotFoundException>(() => ImdbDataset.EnsureAsync(_dir.Combine("nope"), _dir.Combine("cache")));
        Assert.Contains(_dir.Combine("nope"), missing.Message);
        Directory.CreateDirectory(_dir.Combine("empty"));
        var empty = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => ImdbDataset.EnsureAsync(_dir.Combine("empty"), _dir.Combine("cache")));
        Assert.Contains(_dir.Combine("empty"), empty.Message);
    }

    [Fact]
    public void Unknown_split_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => ImdbDataset.LoadSplit(_dir.Path, "valid"));
        Assert.Contains("'valid'", ex.Message);
    }

    [SkippableFact]
    public async Task Real_archive_has_12500_test_neg_reviews_and_they_load()
    {
        string archive = SharedData.RequireData("aclImdb_v1.tar.gz");
        // The filter sees every entry name: count all test/neg reviews, but write only the first 200 (this file
        // system needs ~1 ms per file, and the test must stay fast).
        int seen = 0;
        bool FirstTestNeg(string name)
        {
            if (!name.StartsWith("aclImdb/test/neg/", StringComparison.Ordinal)) return false;
            return ++seen <= 200;
        }
        ExtractionResult result = await TarGzExtractor.ExtractAsync(archive, _dir.Path, FirstTestNeg);
        Assert.Equal(12_500, seen);
        Assert.Equal(200, result.FilesExtracted);

        var reviews = LabeledTextFolder.Load(_dir.Combine("aclImdb", "test"), ["neg"]);
        Assert.Equal(200, reviews.Count);
        Assert.All(reviews, r => Assert.Equal(0, r.Label));
        Assert.All(reviews, r => Assert.False(string.IsNullOrWhiteSpace(r.Text)));
        // aclImdb file names are <id>_<rating>.txt; negative reviews are rated 1 to 4.
        Assert.All(reviews, r => Assert.InRange(int.Parse(Path.GetFileNameWithoutExtension(r.Id!).Split('_')[1]), 1, 4));
    }
}
