using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tests.Training;
using DistilBert.Sharp.Training;
using DistilBert.Sharp.Training.Distillation;
using TorchSharp;
using static DistilBert.Sharp.Tests.Distillation.DistillationTestModels;

namespace DistilBert.Sharp.Tests.Distillation;

/// <summary>A distillation run stopped at a checkpoint and resumed ends exactly where an uninterrupted run ends.</summary>
[Collection(TorchRngCollection.Name)]
public class DistillationResumeTests
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
        OutputDir = dir, NumTrainEpochs = 3, PerDeviceTrainBatchSize = 8, GradientAccumulationSteps = 2, LearningRate = 5e-3,
        WeightDecay = 0.01, WarmupSteps = 2, LoggingSteps = 1, SaveStrategy = SaveStrategy.Steps, SaveSteps = 5, Seed = 11,
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Stopped_and_resumed_distillation_ends_bit_identical_to_the_uninterrupted_run(bool cachedTeacher)
    {
        var data = SyntheticData.Create(60, seed: 8); // 8 batches per epoch (last one short), 4 steps per epoch
        using var teacher = TinyDistilBert(layers: 2, seed: 99);
        using var dir = new TempDirectory();
        // Each run builds its teacher source as a fresh process would: the cache from its file when it exists.
        ITeacher Source(string run) => cachedTeacher
            ? TeacherLogitsCache.LoadOrCompute(dir.Combine(run, "teacher-logits.safetensors"), teacher, data)
            : new OnlineTeacher(teacher);
        DistillationLoss Loss(ITeacher source) => new(source, temperature: 2, alpha: 0.7, cosineWeight: cachedTeacher ? 0 : 0.5);

        using var full = TinyDistilBert(layers: 1, seed: 0, dropout: 0.3); // dropout on: the RNG state must be restored
        using (var trainer = new Trainer(full, Args(dir.Combine("full")), data))
        {
            trainer.LossFunction = Loss(Source("full"));
            trainer.Train();
        }

        using (var first = TinyDistilBert(layers: 1, seed: 0, dropout: 0.3))
        using (var trainer = new Trainer(first, Args(dir.Combine("cut")), data, callbacks: [new StopAtStep(5)]))
        {
            trainer.LossFunction = Loss(Source("cut"));
            Assert.Equal(5, trainer.Train().GlobalStep);
        }

        torch.manual_seed(12345); // a fresh process has another RNG state
        using var resumed = TinyDistilBert(layers: 1, seed: 4321, dropout: 0.3);
        using (var trainer = new Trainer(resumed, Args(dir.Combine("cut")), data))
        {
            var source = Source("cut");
            if (source is TeacherLogitsCache cache) Assert.True(cache.LoadedFromFile); // the resumed run reuses the cache
            trainer.LossFunction = Loss(source);
            Assert.Equal(12, trainer.Train(resumeFromCheckpoint: dir.Combine("cut", "checkpoint-5")).GlobalStep);
        }
        AssertBitIdentical(Snapshot(full), Snapshot(resumed));
    }
}
