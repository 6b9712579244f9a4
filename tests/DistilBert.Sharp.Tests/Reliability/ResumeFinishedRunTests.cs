using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tests.Training;
using DistilBert.Sharp.Training;
using DistilBert.Sharp.Training.Checkpointing;
using TorchSharp;

namespace DistilBert.Sharp.Tests.Reliability;

[Collection(TorchRngCollection.Name)]
public class ResumeFinishedRunTests
{
    // The reproduction: 50 examples, batch 4, accumulation 2 (7 steps per epoch), max_steps=10.
    private static TrainingArguments Args(string dir) => new()
    {
        OutputDir = dir, MaxSteps = 10, PerDeviceTrainBatchSize = 4, GradientAccumulationSteps = 2,
        LearningRate = 1e-2, SaveStrategy = SaveStrategy.Steps, SaveSteps = 5, LoggingSteps = 1, Seed = 3,
    };

    [Fact]
    public void Resuming_a_run_that_reached_max_steps_does_no_step_writes_nothing_and_can_be_repeated()
    {
        var data = SyntheticData.Create(50, seed: 4);
        using var dir = new TempDirectory();
        torch.manual_seed(0);
        using (var model = new TinyClassifier(new TinyConfig()))
        using (var trainer = new Trainer(model, Args(dir.Path), data))
            Assert.Equal(10, trainer.Train().GlobalStep);
        string last = CheckpointManager.GetLastCheckpoint(dir.Path)!;
        Assert.Equal(Path.Combine(dir.Path, "checkpoint-10"), last);
        var saved = TinyClassifier.FromPretrained(last).Snapshot();
        var listing = Directory.GetFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories)
            .Select(p => (p, File.Exists(p) ? File.GetLastWriteTimeUtc(p) : default)).OrderBy(x => x.p).ToList();

        for (int attempt = 0; attempt < 2; attempt++) // a second resume must behave the same (it used to throw)
        {
            torch.manual_seed(99);
            using var model = new TinyClassifier(new TinyConfig());
            using var trainer = new Trainer(model, Args(dir.Path), data);
            var result = trainer.Train(resumeFromCheckpoint: CheckpointManager.GetLastCheckpoint(dir.Path));
            Assert.Equal(10, result.GlobalStep);
            Assert.Equal(0, result.Metrics["train_steps_per_second"]);
            Assert.DoesNotContain(trainer.State.LogHistory, l => l.ContainsKey("loss") && l["step"] > 10);
            // The model holds the checkpoint's weights, bit for bit: no optimizer step was taken.
            var now = model.Snapshot();
            foreach (var (name, values) in saved) Assert.Equal(values, now[name]);
            // Nothing was written: same entries, same timestamps, no checkpoint-11.
            var after = Directory.GetFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories)
                .Select(p => (p, File.Exists(p) ? File.GetLastWriteTimeUtc(p) : default)).OrderBy(x => x.p).ToList();
            Assert.Equal(listing, after);
        }
    }
}
