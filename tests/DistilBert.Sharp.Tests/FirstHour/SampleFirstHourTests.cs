using System.CommandLine;
using System.Text.Json;
using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Data.Archives;
using DistilBert.Sharp.Tests.Infrastructure;
using ImdbFineTune;

namespace DistilBert.Sharp.Tests.FirstHour;

/// <summary>Issue #17, defects 2, 4, 9 and 10 in the sample: run-folder rules, paths, leftovers, the archive message, own data.</summary>
[Collection(TorchRngCollection.Name)]
public class SampleFirstHourTests
{
    private static SampleOptions Options(string output, string? resume = null, bool overwrite = false) => new()
    {
        Model = "m", Output = output, CacheDir = "c", Preset = "cpu", Epochs = 1, BatchSize = 8, LearningRate = 1e-3,
        WarmupSteps = 0, WeightDecay = 0, MaxLength = 16, Seed = 1, Resume = resume, OverwriteOutputDir = overwrite,
    };

    [Fact]
    public void A_folder_with_checkpoints_is_refused_unless_resume_or_overwrite_is_given()
    {
        using var temp = new TempDirectory();
        string run = temp.Combine("run");
        Assert.Null(RunFolder.Prepare(Options(run))); // new folder: train from scratch
        FakeCheckpoints.Create(Path.Combine(run, "checkpoints", "checkpoint-4"));
        FakeCheckpoints.Create(Path.Combine(run, "checkpoints", "checkpoint-12"));

        var refused = Assert.Throws<ArgumentException>(() => RunFolder.Prepare(Options(run)));
        Assert.Contains(run, refused.Message);
        Assert.Contains("--resume", refused.Message);
        Assert.Contains("--overwrite-output-dir", refused.Message);

        Assert.Equal(Path.Combine(run, "checkpoints", "checkpoint-12"), RunFolder.Prepare(Options(run, resume: "")));
        Assert.Equal(Path.Combine(run, "checkpoints", "checkpoint-4"),
            RunFolder.Prepare(Options(run, resume: Path.Combine(run, "checkpoints", "checkpoint-4"))));
        Assert.Throws<ArgumentException>(() => RunFolder.Prepare(Options(temp.Combine("other"), resume: "")));

        Assert.Null(RunFolder.Prepare(Options(run, overwrite: true)));
        Assert.Empty(Directory.GetDirectories(Path.Combine(run, "checkpoints")));
    }

    [Fact]
    public void Resume_without_output_picks_the_latest_run_with_a_checkpoint_and_paths_resolve_where_the_user_is()
    {
        using var temp = new TempDirectory();
        FakeCheckpoints.Create(temp.Combine("runs", "imdb-20250101-000000", "checkpoints", "checkpoint-3"));
        FakeCheckpoints.Create(temp.Combine("runs", "imdb-20250102-000000", "checkpoints", "checkpoint-8"));
        Directory.CreateDirectory(temp.Combine("runs", "imdb-20250103-000000")); // a newer run that never saved
        string? saved = Environment.GetEnvironmentVariable(SamplePaths.CallerDirectoryVariable);
        Environment.SetEnvironmentVariable(SamplePaths.CallerDirectoryVariable, temp.Path); // what run-imdb.sh exports
        try
        {
            var options = Bind("--resume", "--data", "data/aclImdb_v1.tar.gz", "--model", "distilbert-base-uncased", "--train-file", "my.csv");
            Assert.Equal(temp.Combine("runs", "imdb-20250102-000000"), options.Output);
            Assert.Equal("", options.Resume);
            Assert.Equal(temp.Combine("data", "aclImdb_v1.tar.gz"), options.Data);   // relative to the caller, not the repo
            Assert.Equal(temp.Combine("my.csv"), options.TrainFile);
            Assert.Equal("distilbert-base-uncased", options.Model);                   // a Hub id stays a Hub id
            Assert.Equal(temp.Combine("models", "m"), Bind("--model", "./models/m").Model);
            Directory.CreateDirectory(temp.Combine("local-model"));
            Assert.Equal(temp.Combine("local-model"), Bind("--model", "local-model").Model); // a local folder wins, as in HF

            var explicitRun = Bind("--resume", temp.Combine("runs", "imdb-20250101-000000", "checkpoints", "checkpoint-3"));
            Assert.Equal(temp.Combine("runs", "imdb-20250101-000000"), explicitRun.Output);
        }
        finally
        {
            Environment.SetEnvironmentVariable(SamplePaths.CallerDirectoryVariable, saved);
        }
    }

    private static SampleOptions Bind(params string[] args)
    {
        var set = new FineTuneOptionSet("imdb");
        var root = new RootCommand();
        set.AddTo(root);
        return set.Bind(root.Parse(args));
    }

    [Fact]
    public void The_resume_command_keeps_the_users_arguments_with_absolute_paths()
    {
        string command = ResumeCommand.Build(
            ["--model", "distilbert-base-uncased", "--data", "/d/aclImdb_v1.tar.gz", "--resume", "--epochs", "2", "--output", "/r/run", "--overwrite-output-dir", "--bf16"],
            "/r/run");
        Assert.EndsWith("--model distilbert-base-uncased --data /d/aclImdb_v1.tar.gz --epochs 2 --bf16 --output /r/run --resume", command);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(command, "--output"));
    }

    [Fact]
    public async Task A_failed_run_leaves_no_empty_output_folder()
    {
        using var temp = new TempDirectory();
        string aclImdb = TinyImdb.WriteDataset(temp.Path, perLabel: 2);
        string output = temp.Combine("runs", "imdb-failed");
        int exitCode = await SampleCli.RunAsync(["--model", temp.Combine("no-such-model"), "--data", aclImdb, "--output", output]);
        Assert.Equal(ExitCodes.UserError, exitCode);
        Assert.False(Directory.Exists(output), "the failed run left its output folder behind");
    }

    [Fact]
    public async Task A_truncated_archive_gets_one_piece_of_advice_and_the_users_file_is_never_deleted()
    {
        using var temp = new TempDirectory();
        string good = temp.Combine("good.tar.gz");
        TestArchives.WriteMiniImdb(good);
        byte[] bytes = File.ReadAllBytes(good);

        string mine = temp.Combine("mine", ImdbDataset.ArchiveFileName);
        Directory.CreateDirectory(Path.GetDirectoryName(mine)!);
        File.WriteAllBytes(mine, bytes[..(bytes.Length / 2)]);
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => ImdbDataset.EnsureAsync(mine, temp.Combine("cache")));
        Assert.True(File.Exists(mine), "the library deleted the user's own --data file");
        Assert.DoesNotContain("delete", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(ex.Message, "again"));
        Assert.Equal(ex.Message.ReplaceLineEndings(" "), UserFacingError.Describe(ex)); // the sample adds no second piece of advice

        // The library's own download in the cache: that copy is the library's to delete, and it says so.
        string cache = temp.Combine("cache2");
        Directory.CreateDirectory(cache);
        File.WriteAllBytes(Path.Combine(cache, ImdbDataset.ArchiveFileName), bytes[..(bytes.Length / 2)]);
        var owned = await Assert.ThrowsAsync<InvalidDataException>(() => ImdbDataset.EnsureAsync(null, cache));
        Assert.False(File.Exists(Path.Combine(cache, ImdbDataset.ArchiveFileName)));
        Assert.Contains("downloaded copy was deleted", owned.Message);
    }

    [Fact]
    public async Task The_sample_fine_tunes_on_a_users_csv_with_string_labels()
    {
        using var temp = new TempDirectory();
        string model = TinyImdb.WriteModel(temp.Combine("tiny-distilbert"));
        string aclImdb = TinyImdb.WriteDataset(temp.Path, perLabel: 80);
        // The synthetic reviews as a CSV with a quoted text column and string labels, plus a JSON Lines test file.
        static string Csv(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";
        var train = ImdbDataset.LoadSplit(aclImdb, "train");
        File.WriteAllLines(temp.Combine("train.csv"), ["id,review,sentiment", .. train.Select((t, i) => $"{i},{Csv(t.Text)},{(t.Label == 1 ? "happy" : "sad")}")]);
        var test = ImdbDataset.LoadSplit(aclImdb, "test");
        File.WriteAllLines(temp.Combine("test.jsonl"), test.Select(t => JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["review"] = t.Text, ["sentiment"] = t.Label == 1 ? "happy" : "sad",
        })));
        string output = temp.Combine("run");

        int exit = await SampleCli.RunAsync(["--model", model, "--train-file", temp.Combine("train.csv"), "--test-file", temp.Combine("test.jsonl"),
            "--text-column", "review", "--label-column", "sentiment", "--output", output, "--epochs", "6", "--batch-size", "16",
            "--learning-rate", "2e-3", "--warmup-steps", "0", "--max-length", "32", "--preset", "cpu"]);

        Assert.Equal(ExitCodes.Success, exit);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        Assert.Equal(128, metrics.RootElement.GetProperty("train_samples").GetInt32()); // 80% of 160
        Assert.Equal(160, metrics.RootElement.GetProperty("test_samples").GetInt32());
        double accuracy = metrics.RootElement.GetProperty("test_accuracy").GetDouble();
        Assert.True(accuracy > 0.9, $"test accuracy {accuracy:P1} on a task decided by a few words");
        using var saved = DistilBertForSequenceClassification.FromPretrained(Path.Combine(output, "model"));
        Assert.Equal(new Dictionary<int, string> { [0] = "happy", [1] = "sad" }, saved.Config.Id2Label);
        Assert.True(File.Exists(Path.Combine(output, "model", "tokenizer.json")));
    }
}
