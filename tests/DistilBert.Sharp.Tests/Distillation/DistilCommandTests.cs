using System.Text.Json;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using ImdbFineTune;

namespace DistilBert.Sharp.Tests.Distillation;

/// <summary>The sample's <c>distil</c> command end to end on a synthetic aclImdb and a tiny teacher.</summary>
[Collection(TorchRngCollection.Name)]
public sealed class DistilCommandTests
{
    [Fact]
    public async Task Distil_builds_the_student_trains_both_rows_and_reports_all_three_models()
    {
        using var temp = new TempDirectory();
        string aclImdb = TinyImdb.WriteDataset(temp.Path, perLabel: 30);
        string teacher = TinyImdb.WriteModel(temp.Combine("teacher")); // 2 layers
        string output = temp.Combine("run");

        int rc = await DistilCommand.Create().Parse([
            "--model", teacher, "--data", aclImdb, "--output", output, "--cache-dir", temp.Combine("cache"),
            "--batch-size", "4", "--max-length", "32", "--max-train-samples", "48", "--max-test-samples", "16",
            "--learning-rate", "1e-2", "--seed", "5", "--temperature", "3", "--alpha", "0.6",
        ]).InvokeAsync();
        Assert.Equal(0, rc);

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        var root = metrics.RootElement;
        Assert.Equal(1, root.GetProperty("student_layers").GetInt32()); // every other layer of 2
        foreach (string row in new[] { "teacher", "student_alone", "student_distilled" })
        {
            Assert.InRange(root.GetProperty($"{row}_test_accuracy").GetDouble(), 0, 1);
            Assert.True(root.GetProperty($"{row}_test_tokens_per_second").GetDouble() > 0);
        }
        Assert.Equal(1.0, root.GetProperty("teacher_speedup").GetDouble());
        Assert.True(File.Exists(Path.Combine(output, "teacher-logits.safetensors")));
        using var distilled = AutoModelForSequenceClassification.FromPretrained(Path.Combine(output, "student-distilled"));
        Assert.Equal(1, ((DistilBertConfig)distilled.Config).NLayers);
        using var alone = AutoModelForSequenceClassification.FromPretrained(Path.Combine(output, "student-alone"));
        // Same start, same data and seed, different loss: the two students differ.
        var a = alone.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Contains(distilled.named_parameters(), p => !p.parameter.equal(a[p.name]).all().item<bool>());
    }
}
