using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Training;
using DistilBert.Sharp.Training.Checkpointing;
using TorchSharp;

namespace DistilBert.Sharp.Tests.Training;

[Collection(TorchRngCollection.Name)]
public class DistilBertTrainingTests
{
    [Fact]
    public void Tiny_random_DistilBert_learns_restores_the_best_model_and_its_checkpoint_loads_with_FromPretrained()
    {
        using var dir = new TempDirectory();
        var train = SyntheticData.Create(128, seed: 11);
        var eval = SyntheticData.Create(48, seed: 12);
        torch.manual_seed(5);
        var config = new DistilBertConfig
        {
            VocabSize = 24, Dim = 16, NLayers = 1, NHeads = 2, HiddenDim = 32, MaxPositionEmbeddings = 16,
            Dropout = 0.1, AttentionDropout = 0.1, SeqClassifDropout = 0.1,
        };
        using var model = new DistilBertForSequenceClassification(config);
        var args = new TrainingArguments
        {
            OutputDir = dir.Path, NumTrainEpochs = 5, PerDeviceTrainBatchSize = 16, LearningRate = 2e-2, WarmupSteps = 4,
            WeightDecay = 0.01, LoggingSteps = 2, EvalStrategy = IntervalStrategy.Epoch, SaveStrategy = SaveStrategy.Epoch,
            SaveTotalLimit = 1, LoadBestModelAtEnd = true, MetricForBestModel = "accuracy", GroupByLength = true,
        };
        using var trainer = new Trainer(model, args, train, eval, computeMetrics: ClassificationMetrics.Compute);
        trainer.Train();

        var losses = trainer.State.LogHistory.Where(l => l.ContainsKey("loss")).Select(l => l["loss"]).ToList();
        Assert.True(losses.TakeLast(3).Average() < losses.Take(3).Average() * 0.8,
            $"loss did not fall: {string.Join(", ", losses.Select(l => l.ToString("F3")))}");
        var evals = trainer.State.LogHistory.Where(l => l.ContainsKey("eval_accuracy")).ToList();
        Assert.Equal(5, evals.Count);
        Assert.True(evals.Max(e => e["eval_accuracy"]) > 0.8, $"best eval accuracy {evals.Max(e => e["eval_accuracy"])}");

        // save_total_limit=1 with load_best_model_at_end keeps the best and the newest checkpoint (HF's rule).
        string best = trainer.State.BestModelCheckpoint!;
        Assert.Contains(best, CheckpointManager.SortedCheckpoints(dir.Path));
        Assert.InRange(CheckpointManager.SortedCheckpoints(dir.Path).Count, 1, 2);

        // The best checkpoint loads with FromPretrained and equals the restored model, parameter for parameter.
        using var loaded = DistilBertForSequenceClassification.FromPretrained(best);
        Assert.Empty(loaded.LastLoadReport!.MissingKeys);
        Assert.Empty(loaded.LastLoadReport.UnexpectedKeys);
        var restored = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in loaded.named_parameters())
            Assert.True(p.equal(restored[name]).all().item<bool>(), $"{name} differs from the best checkpoint");
        Assert.Equal(trainer.State.BestMetric, trainer.Evaluate()["eval_accuracy"]);
    }
}
