using BenchmarkDotNet.Attributes;
using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Training;
using TorchSharp;

namespace DistilBert.Sharp.Benchmarks;

/// <summary>
/// Training-loop throughput on a small random DistilBERT (2 layers, dim 64): collating one batch, and a whole
/// <see cref="Trainer.Train"/> of 20 optimizer steps (forward, backward, clipping, AdamW, schedule, logging).
/// Per-step cost = TrainTwentySteps / 20.
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private TextClassificationDataset _data = null!;
    private TextClassificationExample[] _batch = null!;
    private readonly DataCollatorWithPadding _collator = new();
    private string _outputDir = null!;

    /// <summary>Examples per batch.</summary>
    [Params(16)]
    public int BatchSize { get; set; }

    /// <summary>Builds the data.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(0);
        var ids = Enumerable.Range(0, 20 * BatchSize).Select(_ => Enumerable.Range(0, rng.Next(16, 64)).Select(_ => rng.Next(1, 1000)).ToArray()).ToList();
        var labels = ids.Select(_ => rng.Next(2)).ToList();
        _data = TextClassificationDataset.FromClassLabels(ids, labels);
        _batch = Enumerable.Range(0, BatchSize).Select(i => _data[i]).ToArray();
        _outputDir = Path.Combine(Path.GetTempPath(), "distilbert-sharp-bench-" + Guid.NewGuid().ToString("N"));
    }

    /// <summary>Removes the output folder.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        if (Directory.Exists(_outputDir)) Directory.Delete(_outputDir, recursive: true);
    }

    /// <summary>One padded batch (tensor creation included).</summary>
    [Benchmark]
    public long Collate()
    {
        using var scope = torch.NewDisposeScope();
        return _collator.Collate(_batch).InputIds.shape[1];
    }

    /// <summary>Baseline for the loop's overhead: forward + backward of one batch on the same model, nothing else.</summary>
    [Benchmark]
    public float ForwardBackwardOnly()
    {
        _model ??= NewModel();
        using var scope = torch.NewDisposeScope();
        var loss = _model.forward(_collator.Collate(_batch) with { Labels = torch.zeros(BatchSize, torch.int64) }).Loss!;
        loss.backward();
        _model.zero_grad();
        return loss.item<float>();
    }

    private DistilBertForSequenceClassification? _model;

    private static DistilBertForSequenceClassification NewModel()
    {
        torch.manual_seed(0);
        var model = new DistilBertForSequenceClassification(new DistilBertConfig
        {
            VocabSize = 1000, Dim = 64, NLayers = 2, NHeads = 4, HiddenDim = 128, MaxPositionEmbeddings = 64,
        });
        model.train();
        return model;
    }

    /// <summary>20 optimizer steps of the full training loop.</summary>
    [Benchmark]
    public int TrainTwentySteps()
    {
        using var model = NewModel();
        var args = new TrainingArguments
        {
            OutputDir = _outputDir, MaxSteps = 20, PerDeviceTrainBatchSize = BatchSize, LoggingSteps = 5, SaveStrategy = SaveStrategy.No,
        };
        using var trainer = new Trainer(model, args, _data);
        return trainer.Train().GlobalStep;
    }
}
