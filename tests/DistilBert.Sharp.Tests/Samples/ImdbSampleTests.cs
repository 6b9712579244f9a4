using System.Text.Json;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using ImdbFineTune;

namespace DistilBert.Sharp.Tests.Samples;

/// <summary>The IMDb sample's own code path end to end, on a synthetic aclImdb folder and a tiny random model.</summary>
[Collection(TorchRngCollection.Name)]
public class ImdbSampleTests
{
    [Fact]
    public async Task Sample_fine_tunes_reports_and_saves_a_loadable_model()
    {
        using var temp = new TempDirectory();
        string aclImdb = TinyImdb.WriteDataset(temp.Path, perLabel: 80);
        string pretrained = TinyImdb.WriteModel(temp.Combine("tiny-distilbert"));
        string output = temp.Combine("run");
        var options = new SampleOptions
        {
            Model = pretrained, Data = aclImdb, Output = output, CacheDir = temp.Combine("cache"), Preset = "cpu",
            Epochs = 6, BatchSize = 16, LearningRate = 2e-3, WarmupSteps = 0, WeightDecay = 0.01, MaxLength = 64, Seed = 42,
        };

        await new FineTuneJob(options).RunAsync(CancellationToken.None);

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        var root = metrics.RootElement;
        Assert.Equal(128, root.GetProperty("train_samples").GetInt32()); // 80% of the 160 train reviews
        Assert.Equal(160, root.GetProperty("test_samples").GetInt32());
        double testAccuracy = root.GetProperty("test_accuracy").GetDouble();
        Assert.True(testAccuracy > 0.9, $"test accuracy {testAccuracy:P1} on a task decided by one word");
        Assert.True(root.GetProperty("train_tokens_per_second").GetDouble() > 0);

        byte[] png = File.ReadAllBytes(Path.Combine(output, "training.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        using var model = DistilBertForSequenceClassification.FromPretrained(Path.Combine(output, "model"));
        Assert.Equal("POSITIVE", model.Config.Id2Label[1]);
        Assert.True(File.Exists(Path.Combine(output, "model", "vocab.txt")));
    }

    [Fact]
    public async Task Missing_model_folder_ends_with_exit_code_1_not_a_crash()
    {
        using var temp = new TempDirectory();
        string aclImdb = TinyImdb.WriteDataset(temp.Path, perLabel: 2);
        int exitCode = await SampleCli.RunAsync(["--model", temp.Combine("no-such-model"), "--data", aclImdb, "--output", temp.Combine("run")]);
        Assert.Equal(1, exitCode);
    }

    [Fact]
    public void User_facing_errors_are_one_line_with_a_hint()
    {
        var missing = new DirectoryNotFoundException("The model folder './m' does not exist.");
        Assert.True(UserFacingError.IsExpected(missing));
        string line = UserFacingError.Describe(missing);
        Assert.DoesNotContain('\n', line);
        Assert.Contains("./m", line);
        Assert.Contains("--model", line);
        Assert.False(UserFacingError.IsExpected(new NullReferenceException()));
    }
}
