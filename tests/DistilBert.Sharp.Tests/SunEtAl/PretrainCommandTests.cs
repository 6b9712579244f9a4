using System.Text.Json;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using ImdbFineTune;

namespace DistilBert.Sharp.Tests.SunEtAl;

/// <summary>The sample's <c>pretrain-mlm</c> command end to end on a synthetic aclImdb (with train/unsup) and a tiny model.</summary>
[Collection(TorchRngCollection.Name)]
public sealed class PretrainCommandTests
{
    [Fact]
    public async Task Pretrain_mlm_saves_a_masked_LM_checkpoint_then_fine_tunes_from_it()
    {
        using var temp = new TempDirectory();
        string aclImdb = TinyImdb.WriteDataset(temp.Path, perLabel: 40);
        string unsup = Directory.CreateDirectory(Path.Combine(aclImdb, "train", "unsup")).FullName;
        for (int i = 0; i < 40; i++) File.WriteAllText(Path.Combine(unsup, $"{i}_0.txt"), i % 2 == 0 ? "the movie was great and loved it." : "the plot was boring and awful.");
        string start = TinyImdb.WriteModel(temp.Combine("tiny-distilbert"));
        string output = temp.Combine("run");

        int rc = await PretrainCommand.Create().Parse([
            "--model", start, "--data", aclImdb, "--output", output, "--cache-dir", temp.Combine("cache"), "--mlm-steps", "4",
            "--mlm-learning-rate", "1e-3", "--batch-size", "16", "--max-length", "32", "--max-train-samples", "48",
            "--max-test-samples", "32", "--truncation", "head+tail", "--seed", "5",
        ]).InvokeAsync();
        Assert.Equal(0, rc);

        // Stage 1 wrote a masked-LM checkpoint whose encoder moved away from the starting point.
        using var mlm = DistilBertForMaskedLM.FromPretrained(Path.Combine(output, "mlm"));
        using var original = DistilBertForSequenceClassification.FromPretrained(start);
        var before = original.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Contains(mlm.named_parameters(), p => p.name.StartsWith("distilbert.transformer.", StringComparison.Ordinal)
            && !p.parameter.equal(before[p.name]).all().item<bool>());
        Assert.True(File.Exists(Path.Combine(output, "mlm", "vocab.txt")));

        // Stage 2 fine-tuned from it and reported test metrics.
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        Assert.Equal(32, metrics.RootElement.GetProperty("test_samples").GetInt32());
        Assert.Equal(Path.Combine(output, "mlm"), metrics.RootElement.GetProperty("model").GetString());
        using var fineTuned = DistilBertForSequenceClassification.FromPretrained(Path.Combine(output, "model"));
        Assert.Equal(2, fineTuned.Config.NumLabels);
    }
}
