using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Training;
using DistilBert.Sharp.Training.Checkpointing;
using DistilBert.Sharp.Training.Optimization;
using TorchSharp;

namespace DistilBert.Sharp.Tests.Training;

[Collection(TorchRngCollection.Name)]
public class TrainerFlowTests
{
    private sealed class EventRecorder : TrainerCallback
    {
        public List<string> Events { get; } = [];
        public override void OnTrainBegin(TrainingArguments a, TrainerState s, TrainerControl c) => Events.Add("train_begin");
        public override void OnTrainEnd(TrainingArguments a, TrainerState s, TrainerControl c) => Events.Add("train_end");
        public override void OnStepEnd(TrainingArguments a, TrainerState s, TrainerControl c) => Events.Add($"step_end:{s.GlobalStep}");
        public override void OnLog(TrainingArguments a, TrainerState s, TrainerControl c, IReadOnlyDictionary<string, double> logs) =>
            Events.Add(logs.ContainsKey("eval_loss") ? "log:eval" : logs.ContainsKey("loss") ? "log:train" : "log:summary");
        public override void OnEvaluate(TrainingArguments a, TrainerState s, TrainerControl c, IReadOnlyDictionary<string, double> m) => Events.Add($"evaluate:{s.GlobalStep}");
        public override void OnSave(TrainingArguments a, TrainerState s, TrainerControl c) => Events.Add($"save:{s.GlobalStep}");
    }

    private sealed class SyncProgress(List<TrainingProgress> sink) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => sink.Add(value);
    }

    [Fact]
    public void Events_fire_in_HF_order_and_progress_is_reported()
    {
        using var dir = new TempDirectory();
        var data = SyntheticData.Create(16, seed: 1); // 2 steps per epoch with batch 8
        torch.manual_seed(0);
        using var model = new TinyClassifier(new TinyConfig());
        var recorder = new EventRecorder();
        var reports = new List<TrainingProgress>();
        var args = new TrainingArguments
        {
            OutputDir = dir.Path, NumTrainEpochs = 2, PerDeviceTrainBatchSize = 8, LoggingSteps = 2,
            EvalStrategy = IntervalStrategy.Epoch, SaveStrategy = SaveStrategy.Epoch,
        };
        using var trainer = new Trainer(model, args, data, data, callbacks: [recorder, new ProgressCallback(new SyncProgress(reports))]);
        trainer.Train();

        Assert.Equal(
            ["train_begin", "step_end:1", "step_end:2", "log:train", "log:eval", "evaluate:2", "save:2",
             "step_end:3", "step_end:4", "log:train", "log:eval", "evaluate:4", "save:4", "log:summary", "train_end"],
            recorder.Events);
        Assert.Equal([1, 2, 3, 4], reports.Where(r => r.LatestLog is null).Select(r => r.GlobalStep));
        Assert.All(reports, r => Assert.Equal(4, r.MaxSteps));
        Assert.Contains(reports, r => r.LatestLog?.ContainsKey("eval_loss") == true);
    }

    [Fact]
    public void Save_strategy_best_saves_only_on_a_new_best_metric()
    {
        using var dir = new TempDirectory();
        var data = SyntheticData.Create(32, seed: 2);
        torch.manual_seed(0);
        using var model = new TinyClassifier(new TinyConfig());
        var args = new TrainingArguments
        {
            // lr 0 after the first evaluation can never improve: only the first evaluation saves.
            OutputDir = dir.Path, NumTrainEpochs = 3, PerDeviceTrainBatchSize = 8, LearningRate = 0,
            EvalStrategy = IntervalStrategy.Epoch, SaveStrategy = SaveStrategy.Best,
        };
        using var trainer = new Trainer(model, args, data, data);
        trainer.Train();
        Assert.Equal([Path.Combine(dir.Path, "checkpoint-4")], CheckpointManager.SortedCheckpoints(dir.Path));
        Assert.Equal(Path.Combine(dir.Path, "checkpoint-4"), trainer.State.BestModelCheckpoint);
        Assert.Equal(4, trainer.State.BestGlobalStep);
    }

    [Fact]
    public void Custom_parameter_groups_get_their_own_scheduled_learning_rates()
    {
        using var dir = new TempDirectory();
        var data = SyntheticData.Create(16, seed: 3);
        torch.manual_seed(0);
        using var model = new TinyClassifier(new TinyConfig { Dropout = 0 });
        var embeddingsBefore = model.Snapshot()["embeddings.weight"];
        var args = new TrainingArguments { OutputDir = dir.Path, MaxSteps = 3, PerDeviceTrainBatchSize = 8, LearningRate = 1e-2, SaveStrategy = SaveStrategy.No };
        using var trainer = new Trainer(model, args, data)
        {
            // Freeze the embeddings through a zero learning-rate group, train the rest: layer-wise decay in miniature.
            ParameterGroupsFactory = (m, a) =>
            [
                new ParameterGroup(m.named_parameters().Where(p => p.name.StartsWith("embeddings", StringComparison.Ordinal)).Select(p => (p.name, p.parameter)).ToList(), 0, 0),
                new ParameterGroup(m.named_parameters().Where(p => !p.name.StartsWith("embeddings", StringComparison.Ordinal)).Select(p => (p.name, p.parameter)).ToList(), 0, a.LearningRate),
            ],
        };
        var classifierBefore = model.Snapshot()["classifier.weight"];
        trainer.Train();
        Assert.Equal(embeddingsBefore, model.Snapshot()["embeddings.weight"]);
        Assert.NotEqual(classifierBefore, model.Snapshot()["classifier.weight"]);
    }

    [Fact]
    public void Trainer_state_json_round_trips_with_HF_keys()
    {
        var state = new TrainerState { GlobalStep = 7, Epoch = 1.75, BestMetric = 0.5, BestModelCheckpoint = "out/checkpoint-4", MaxSteps = 12 };
        state.LogHistory.Add(new Dictionary<string, double> { ["loss"] = 0.69, ["learning_rate"] = 1e-4, ["epoch"] = 0.25, ["step"] = 1 });
        string json = state.ToJson();
        Assert.Contains("\"global_step\": 7", json);
        Assert.Contains("\"best_model_checkpoint\": \"out/checkpoint-4\"", json);
        Assert.Contains("\"step\": 1", json);
        var back = TrainerState.FromJson(json);
        Assert.Equal(7, back.GlobalStep);
        Assert.Equal(1.75, back.Epoch);
        Assert.Equal(0.69, back.LogHistory[0]["loss"]);

        // A diverged run's NaN loss must not make the checkpoint unwritable.
        state.LogHistory.Add(new Dictionary<string, double> { ["loss"] = double.NaN, ["step"] = 2 });
        Assert.True(double.IsNaN(TrainerState.FromJson(state.ToJson()).LogHistory[1]["loss"]));
    }
}
