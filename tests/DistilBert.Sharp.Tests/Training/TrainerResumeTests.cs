using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Training;
using DistilBert.Sharp.Training.Checkpointing;
using TorchSharp;

namespace DistilBert.Sharp.Tests.Training;

[Collection(TorchRngCollection.Name)]
public class TrainerResumeTests
{
    private sealed class StopAtStep(int step) : TrainerCallback
    {
        public override void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control)
        {
            if (state.GlobalStep == step) control.ShouldTrainingStop = true;
        }
    }

    private static TrainingArguments Args(string dir) => new()
    {
        OutputDir = dir, NumTrainEpochs = 3, PerDeviceTrainBatchSize = 8, GradientAccumulationSteps = 2,
        LearningRate = 1e-2, WeightDecay = 0.01, WarmupSteps = 2, LoggingSteps = 1, SaveStrategy = SaveStrategy.Steps, SaveSteps = 5, Seed = 11,
    };

    private static TinyClassifier NewModel()
    {
        torch.manual_seed(0);
        return new TinyClassifier(new TinyConfig { Dropout = 0.3 }); // dropout on: the torch RNG state matters
    }

    [Fact]
    public void Interrupted_and_resumed_run_ends_bit_identical_to_the_uninterrupted_run()
    {
        var data = SyntheticData.Create(60, seed: 8); // 8 batches per epoch (last one short), 4 steps per epoch

        using var d1 = new TempDirectory();
        using var full = NewModel();
        using (var trainer = new Trainer(full, Args(d1.Path), data)) trainer.Train();
        var expected = full.Snapshot();

        using var d2 = new TempDirectory();
        using (var first = NewModel())
        using (var trainer = new Trainer(first, Args(d2.Path), data, callbacks: [new StopAtStep(5)]))
        {
            Assert.Equal(5, trainer.Train().GlobalStep); // stops mid-epoch 2, right after checkpoint-5
        }
        string checkpoint = Path.Combine(d2.Path, "checkpoint-5");
        Assert.True(Directory.Exists(checkpoint));

        // Disturb the global RNG, as a fresh process would have a different state.
        torch.manual_seed(12345);
        using var resumedModel = new TinyClassifier(new TinyConfig { Dropout = 0.3 });
        using (var trainer = new Trainer(resumedModel, Args(d2.Path), data))
        {
            var result = trainer.Train(resumeFromCheckpoint: checkpoint);
            Assert.Equal(12, result.GlobalStep);
            // The log history continues the interrupted one.
            Assert.Equal(Enumerable.Range(1, 12).Select(i => (double)i),
                trainer.State.LogHistory.Where(l => l.ContainsKey("loss")).Select(l => l["step"]));
        }
        foreach (var (name, values) in expected)
            Assert.True(values.AsSpan().SequenceEqual(resumedModel.Snapshot()[name]), $"{name} differs after resume");
    }

    [Fact]
    public void A_failure_during_save_leaves_no_half_checkpoint_and_stale_temporaries_are_cleaned()
    {
        using var dir = new TempDirectory();
        var data = SyntheticData.Create(16, seed: 8);
        using var model = NewModel();
        var args = Args(dir.Path) with { SaveSteps = 1, MaxSteps = 3, GradientAccumulationSteps = 1 };
        using var trainer = new Trainer(model, args, data);
        int saves = 0;
        trainer.BeforeCheckpointRename = temp =>
        {
            // Simulate a kill in the middle of the second save: files are written, the rename has not happened.
            if (++saves == 2) throw new IOException("simulated crash");
        };
        Assert.Throws<IOException>(() => trainer.Train());
        Assert.Equal([Path.Combine(dir.Path, "checkpoint-1")], CheckpointManager.SortedCheckpoints(dir.Path));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "checkpoint-2")));

        // A hard kill would leave the temporary folder; the next run removes it and resumes from the last good checkpoint.
        Directory.CreateDirectory(Path.Combine(dir.Path, ".tmp-checkpoint-2-dead"));
        trainer.BeforeCheckpointRename = null;
        var result = trainer.Train(resumeFromCheckpoint: CheckpointManager.GetLastCheckpoint(dir.Path));
        Assert.Equal(3, result.GlobalStep);
        Assert.Empty(Directory.GetDirectories(dir.Path, ".tmp-*"));
    }

    [Fact]
    public void Cancellation_stops_between_steps_with_a_consistent_state()
    {
        using var dir = new TempDirectory();
        var data = SyntheticData.Create(64, seed: 8);
        using var model = NewModel();
        using var cts = new CancellationTokenSource();
        var cancelAt3 = new CancelAt(3, cts);
        using var trainer = new Trainer(model, Args(dir.Path) with { SaveStrategy = SaveStrategy.No }, data, callbacks: [cancelAt3]);
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Train(cancellationToken: cts.Token));
        Assert.Equal(3, trainer.State.GlobalStep);
        Assert.All(model.parameters(), p => Assert.Null(p.grad)); // no half-accumulated gradients left behind
    }

    private sealed class CancelAt(int step, CancellationTokenSource cts) : TrainerCallback
    {
        public override void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control)
        {
            if (state.GlobalStep == step) cts.Cancel();
        }
    }
}
