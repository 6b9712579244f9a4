using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tests.Training;
using DistilBert.Sharp.Training;
using DistilBert.Sharp.Training.Checkpointing;
using TorchSharp;

namespace DistilBert.Sharp.Tests.Reliability;

[Collection(TorchRngCollection.Name)]
public class CheckpointRotationTests
{
    private static TrainingArguments Args(string dir, int maxSteps) => new()
    {
        OutputDir = dir, MaxSteps = maxSteps, PerDeviceTrainBatchSize = 4, LearningRate = 1e-2,
        SaveStrategy = SaveStrategy.Steps, SaveSteps = 1, SaveTotalLimit = 2, Seed = 5,
    };

    [Fact]
    public void Incomplete_checkpoint_folders_are_never_listed_or_returned_as_the_last_checkpoint()
    {
        using var dir = new TempDirectory();
        var data = SyntheticData.Create(24, seed: 2);
        torch.manual_seed(0);
        using (var model = new TinyClassifier(new TinyConfig()))
        using (var trainer = new Trainer(model, Args(dir.Path, 3), data))
            trainer.Train();
        Assert.Equal([dir.Combine("checkpoint-2"), dir.Combine("checkpoint-3")], CheckpointManager.SortedCheckpoints(dir.Path));

        // What an in-place delete killed half way (the old rotation) or a copy cut short leaves: a partial checkpoint-9.
        Directory.CreateDirectory(dir.Combine("checkpoint-9"));
        foreach (var f in Directory.GetFiles(dir.Combine("checkpoint-3")).Where(f => !f.EndsWith("training_args.json", StringComparison.Ordinal)))
            File.Copy(f, Path.Combine(dir.Combine("checkpoint-9"), Path.GetFileName(f)));
        Assert.Equal(dir.Combine("checkpoint-3"), CheckpointManager.GetLastCheckpoint(dir.Path));
        File.Copy(dir.Combine("checkpoint-3", "training_args.json"), dir.Combine("checkpoint-9", "training_args.json"));
        Assert.Equal(dir.Combine("checkpoint-9"), CheckpointManager.GetLastCheckpoint(dir.Path)); // now complete
    }

    [Fact]
    public void Rotation_leftovers_of_a_killed_delete_are_hidden_ignored_and_removed_by_the_next_run()
    {
        using var dir = new TempDirectory();
        var data = SyntheticData.Create(24, seed: 2);
        torch.manual_seed(0);
        using (var model = new TinyClassifier(new TinyConfig()))
        using (var trainer = new Trainer(model, Args(dir.Path, 2), data))
            trainer.Train();

        // A kill during rotation now leaves the doomed checkpoint renamed out of the namespace, half deleted.
        string doomed = dir.Combine($".checkpoint-1.{Guid.NewGuid():N}.deleting");
        Directory.Move(dir.Combine("checkpoint-1"), doomed);
        File.Delete(Path.Combine(doomed, "training_args.json"));
        // And a kill mid-save leaves a staging folder.
        string staging = dir.Combine($".checkpoint-3.{Guid.NewGuid():N}.saving");
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, "config.json"), "{");

        Assert.Equal([dir.Combine("checkpoint-2")], CheckpointManager.SortedCheckpoints(dir.Path));
        torch.manual_seed(0);
        using (var model = new TinyClassifier(new TinyConfig()))
        using (var trainer = new Trainer(model, Args(dir.Path, 4), data))
            Assert.Equal(4, trainer.Train(CheckpointManager.GetLastCheckpoint(dir.Path)).GlobalStep);
        Assert.Equal(["checkpoint-3", "checkpoint-4"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).Order());
    }
}
