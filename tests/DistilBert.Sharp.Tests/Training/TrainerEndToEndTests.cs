using DistilBert.Sharp.Data;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Training;
using DistilBert.Sharp.Training.Checkpointing;
using TorchSharp;

namespace DistilBert.Sharp.Tests.Training;

[Collection(TorchRngCollection.Name)]
public class TrainerEndToEndTests
{
    private static TinyClassifier NewModel(int seed = 0, double dropout = 0.1)
    {
        torch.manual_seed(seed);
        return new TinyClassifier(new TinyConfig { Dropout = dropout });
    }

    [Fact]
    public void Loss_falls_eval_metrics_are_logged_best_model_is_restored_and_checkpoints_load()
    {
        using var dir = new TempDirectory();
        var train = SyntheticData.Create(256, seed: 1);
        var eval = SyntheticData.Create(64, seed: 2);
        using var model = NewModel();
        var args = new TrainingArguments
        {
            OutputDir = dir.Path, NumTrainEpochs = 4, PerDeviceTrainBatchSize = 16, LearningRate = 5e-2,
            WarmupRatio = 0.1, WeightDecay = 0.01, LoggingSteps = 4, EvalStrategy = IntervalStrategy.Steps, EvalSteps = 16,
            SaveStrategy = SaveStrategy.Steps, SaveSteps = 16, SaveTotalLimit = 2, LoadBestModelAtEnd = true,
            MetricForBestModel = "accuracy",
        };
        using var trainer = new Trainer(model, args, train, eval, computeMetrics: ClassificationMetrics.Compute);
        var result = trainer.Train();

        Assert.Equal(64, result.GlobalStep); // 256 / 16 = 16 steps per epoch × 4
        var losses = trainer.State.LogHistory.Where(l => l.ContainsKey("loss")).Select(l => l["loss"]).ToList();
        Assert.Equal(16, losses.Count);
        Assert.True(losses[^1] < losses[0] * 0.5, $"loss did not fall: first {losses[0]}, last {losses[^1]}");
        Assert.All(trainer.State.LogHistory.Where(l => l.ContainsKey("loss")), l =>
        {
            Assert.True(l.ContainsKey("learning_rate") && l.ContainsKey("grad_norm") && l.ContainsKey("epoch") && l.ContainsKey("step"));
        });

        var evals = trainer.State.LogHistory.Where(l => l.ContainsKey("eval_loss")).ToList();
        Assert.Equal(4, evals.Count);
        Assert.All(evals, e => Assert.True(e.ContainsKey("eval_accuracy") && e.ContainsKey("eval_f1") && e.ContainsKey("eval_runtime")
                                           && e.ContainsKey("eval_samples_per_second")));
        double bestAccuracy = evals.Max(e => e["eval_accuracy"]);
        Assert.Equal(bestAccuracy, trainer.State.BestMetric);
        Assert.True(bestAccuracy > 0.9, $"best accuracy {bestAccuracy}");

        // save_total_limit = 2 keeps the best checkpoint and the newest one.
        string best = trainer.State.BestModelCheckpoint!;
        var remaining = CheckpointManager.SortedCheckpoints(dir.Path);
        Assert.Contains(best, remaining);
        Assert.Contains(Path.Combine(dir.Path, "checkpoint-64"), remaining);
        Assert.True(remaining.Count <= 2);
        foreach (var f in new[] { "model.safetensors", "config.json", "trainer_state.json", "training_args.json", "optimizer.safetensors", "rng_state.safetensors" })
            Assert.True(File.Exists(Path.Combine(best, f)), $"{f} missing in {best}");
        Assert.Empty(Directory.GetDirectories(dir.Path, ".tmp-*"));

        // The best model is restored: the trainer's weights equal those saved in the best checkpoint.
        using var fromBest = TinyClassifier.FromPretrained(best);
        var restored = model.Snapshot();
        foreach (var (name, values) in fromBest.Snapshot()) Assert.Equal(values, restored[name]);
        // And re-evaluating gives the best accuracy.
        Assert.Equal(bestAccuracy, trainer.Evaluate()["eval_accuracy"]);

        // trainer_state.json follows HF's schema.
        var state = TrainerState.FromJson(File.ReadAllText(Path.Combine(remaining[^1], "trainer_state.json")));
        Assert.Equal(64, state.GlobalStep);
        Assert.Equal(best, state.BestModelCheckpoint);
        string json = File.ReadAllText(Path.Combine(remaining[^1], "trainer_state.json"));
        foreach (var key in new[] { "\"global_step\"", "\"epoch\"", "\"log_history\"", "\"best_metric\"", "\"best_model_checkpoint\"", "\"max_steps\"" })
            Assert.Contains(key, json);
    }

    [Fact]
    public void Predict_returns_logits_labels_and_test_metrics_in_dataset_order()
    {
        using var dir = new TempDirectory();
        var data = SyntheticData.Create(21, seed: 5);
        using var model = NewModel(dropout: 0.0);
        using var trainer = new Trainer(model, new TrainingArguments { OutputDir = dir.Path, PerDeviceEvalBatchSize = 4 },
            computeMetrics: ClassificationMetrics.Compute);
        var output = trainer.Predict(data);

        Assert.Equal(21, output.Predictions.GetLength(0));
        Assert.Equal(2, output.Predictions.GetLength(1));
        Assert.Equal(Enumerable.Range(0, 21).Select(i => data[i].ClassLabel!.Value), output.LabelIds!);
        Assert.True(output.Metrics.ContainsKey("test_loss") && output.Metrics.ContainsKey("test_accuracy"));

        // Independent truth: the model's logits for example 7 alone.
        using var scope = torch.NewDisposeScope();
        model.eval();
        var single = model.forward(new DataCollatorWithPadding().Collate([data[7]])).Logits!;
        Assert.Equal(single[0, 0].item<float>(), output.Predictions[7, 0], 5);
        Assert.Equal(single[0, 1].item<float>(), output.Predictions[7, 1], 5);
    }

    [Fact]
    public void Gradient_accumulation_of_two_half_batches_equals_one_full_batch()
    {
        var data = SyntheticData.Create(64, seed: 3);
        Dictionary<string, float[]> Run(int batch, int gas, string dir)
        {
            using var model = NewModel(seed: 9, dropout: 0.0);
            // Equal-length examples so that "mean of two half-batch means" equals "mean of the full batch".
            var fixedLength = TextClassificationDataset.FromClassLabels(
                Enumerable.Range(0, 64).Select(i => data[i].InputIds.Take(3).ToArray()).ToList(),
                Enumerable.Range(0, 64).Select(i => (int)data[i].ClassLabel!.Value).ToList());
            using var trainer = new Trainer(model, new TrainingArguments
            {
                OutputDir = dir, MaxSteps = 6, PerDeviceTrainBatchSize = batch, GradientAccumulationSteps = gas,
                LearningRate = 1e-2, LoggingSteps = 1, SaveStrategy = SaveStrategy.No,
            }, fixedLength) { TrainSampler = new SequentialSampler(64) };
            trainer.Train();
            return model.Snapshot();
        }
        using var d1 = new TempDirectory();
        using var d2 = new TempDirectory();
        var full = Run(8, 1, d1.Path);
        var accumulated = Run(4, 2, d2.Path);
        foreach (var (name, values) in full)
        {
            for (int i = 0; i < values.Length; i++) Assert.Equal(values[i], accumulated[name][i], 5);
        }
    }

    [Fact]
    public void Early_stopping_stops_after_patience_evaluations_without_improvement()
    {
        using var dir = new TempDirectory();
        var data = SyntheticData.Create(32, seed: 4);
        using var model = NewModel();
        var args = new TrainingArguments
        {
            // lr 0: the metric can never improve after the first evaluation.
            OutputDir = dir.Path, NumTrainEpochs = 50, PerDeviceTrainBatchSize = 8, LearningRate = 0,
            EvalStrategy = IntervalStrategy.Epoch, SaveStrategy = SaveStrategy.Epoch, LoadBestModelAtEnd = true,
        };
        var early = new EarlyStoppingCallback(patience: 2);
        using var trainer = new Trainer(model, args, data, data, callbacks: [early]);
        var result = trainer.Train();
        // Epoch 1 sets the best, epochs 2 and 3 do not improve → stop after epoch 3 (12 steps).
        Assert.Equal(12, result.GlobalStep);
        Assert.Equal(3, trainer.State.LogHistory.Count(l => l.ContainsKey("eval_loss")));
        Assert.Equal(Path.Combine(dir.Path, "checkpoint-4"), trainer.State.BestModelCheckpoint);
    }

    [Fact]
    public void Early_stopping_requires_load_best_model_at_end()
    {
        using var dir = new TempDirectory();
        var data = SyntheticData.Create(8, seed: 4);
        using var model = NewModel();
        using var trainer = new Trainer(model, new TrainingArguments { OutputDir = dir.Path, EvalStrategy = IntervalStrategy.Epoch },
            data, data, callbacks: [new EarlyStoppingCallback()]);
        Assert.Throws<InvalidOperationException>(() => trainer.Train());
    }
}
