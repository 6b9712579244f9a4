using DistilBert.Sharp.Data;
using Spectre.Console;

namespace ImdbFineTune;

/// <summary>What metrics.json holds and what the end of the run prints: accuracies, losses, wall times, throughput.</summary>
internal sealed class RunReport(SampleOptions options, IReadOnlyDictionary<string, double> train,
    IReadOnlyDictionary<string, double> trainSubset, IReadOnlyDictionary<string, double> valid, IReadOnlyDictionary<string, double> test,
    TextClassificationDataset trainSet, TextClassificationDataset testSet, double testSeconds, double wallSeconds)
{
    private double TrainTokensPerSecond =>
        Sum(trainSet) * options.Epochs / Math.Max(1e-9, train.GetValueOrDefault("train_runtime"));

    private double TestTokensPerSecond => Sum(testSet) / Math.Max(1e-9, testSeconds);

    public Dictionary<string, object> ToDictionary() => new()
    {
        ["model"] = options.Model,
        ["preset"] = options.Preset,
        ["epochs"] = options.Epochs,
        ["batch_size"] = options.BatchSize,
        ["learning_rate"] = options.LearningRate,
        ["max_length"] = options.MaxLength,
        ["truncation"] = options.Truncation,
        ["bf16"] = options.Bf16,
        ["precision_requested"] = options.Precision.ToString().ToLowerInvariant(),
        ["cpu"] = DistilBert.Sharp.Runtime.CpuCapabilities.Current.ToString(),
        ["layerwise_lr_decay"] = options.LayerwiseLrDecay ?? 1.0,
        ["seed"] = options.Seed,
        ["train_samples"] = trainSet.Count,
        ["test_samples"] = testSet.Count,
        ["train_accuracy"] = trainSubset.GetValueOrDefault("train_accuracy"),
        ["train_accuracy_samples"] = trainSubset.GetValueOrDefault("train_samples_evaluated"),
        ["train_loss"] = train.GetValueOrDefault("train_loss"),
        ["valid_accuracy"] = valid.GetValueOrDefault("valid_accuracy"),
        ["valid_loss"] = valid.GetValueOrDefault("valid_loss"),
        ["test_accuracy"] = test.GetValueOrDefault("test_accuracy"),
        ["test_loss"] = test.GetValueOrDefault("test_loss"),
        ["test_f1"] = test.GetValueOrDefault("test_f1"),
        ["train_runtime_seconds"] = train.GetValueOrDefault("train_runtime"),
        ["test_runtime_seconds"] = testSeconds,
        ["wall_time_seconds"] = wallSeconds,
        ["train_tokens_per_second"] = TrainTokensPerSecond,
        ["test_tokens_per_second"] = TestTokensPerSecond,
    };

    public void Print()
    {
        var table = new Table().AddColumns("metric", "value");
        foreach (var (key, value) in ToDictionary())
        {
            string text = value switch
            {
                double d when key.EndsWith("accuracy", StringComparison.Ordinal) => d.ToString("P2"),
                double d => d.ToString("G6"),
                _ => value.ToString() ?? "",
            };
            table.AddRow(Markup.Escape(key), Markup.Escape(text));
        }
        AnsiConsole.Write(table);
    }

    private static double Sum(TextClassificationDataset set) => set.Lengths().Sum(l => (double)l);
}
