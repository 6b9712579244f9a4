using DistilBert.Sharp.Data;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tests.Training;
using DistilBert.Sharp.Training;
using DistilBert.Sharp.Training.Distillation;
using TorchSharp;
using static DistilBert.Sharp.Tests.Distillation.DistillationTestModels;

namespace DistilBert.Sharp.Tests.Distillation;

/// <summary>The Trainer's loss hook and distillation through it.</summary>
[Collection(TorchRngCollection.Name)]
public class DistillationTrainingTests
{
    private static TrainingArguments Args(string dir) => new()
    {
        OutputDir = dir, NumTrainEpochs = 2, PerDeviceTrainBatchSize = 8, LearningRate = 5e-3, WarmupSteps = 1,
        WeightDecay = 0.01, LoggingSteps = 1, SaveStrategy = SaveStrategy.No, Seed = 11,
    };

    [Fact]
    public void With_alpha_zero_distillation_trains_bit_identically_to_plain_fine_tuning()
    {
        var data = SyntheticData.Create(40, seed: 3);
        using var teacher = TinyDistilBert(layers: 2, seed: 99);
        using var dir = new TempDirectory();

        using var plain = TinyDistilBert(layers: 2, seed: 0); // dropout on: the torch RNG stream must be the same in both runs
        using (var trainer = new Trainer(plain, Args(dir.Combine("plain")), data)) trainer.Train();

        using var distilled = TinyDistilBert(layers: 2, seed: 0);
        using (var trainer = new Trainer(distilled, Args(dir.Combine("distil")), data))
        {
            trainer.LossFunction = new DistillationLoss(new OnlineTeacher(teacher), temperature: 2, alpha: 0);
            trainer.Train();
        }
        AssertBitIdentical(Snapshot(plain), Snapshot(distilled));

        // The hook is really used: α = 0.5 moves the weights elsewhere.
        using var soft = TinyDistilBert(layers: 2, seed: 0);
        using (var trainer = new Trainer(soft, Args(dir.Combine("soft")), data))
        {
            trainer.LossFunction = new DistillationLoss(new OnlineTeacher(teacher), temperature: 2, alpha: 0.5);
            trainer.Train();
        }
        Assert.NotEqual(Snapshot(plain)["classifier.weight"], Snapshot(soft)["classifier.weight"]);
    }

    [Fact]
    public void The_hook_gets_the_labelled_batch_its_example_indices_and_label_free_outputs()
    {
        var data = SyntheticData.Create(20, seed: 5);
        using var model = TinyDistilBert(layers: 1, seed: 1);
        using var dir = new TempDirectory();
        using var trainer = new Trainer(model, Args(dir.Path) with { NumTrainEpochs = 1 }, data);
        var seen = new List<int>();
        trainer.LossFunction = TrainingLoss.FromFunction(context =>
        {
            Assert.Null(context.Outputs.Loss); // the model ran without labels (HF pops them for compute_loss_func)
            var ids = context.Inputs.InputIds;
            var labels = context.Inputs.Labels!.data<long>().ToArray();
            Assert.Equal(context.NumItemsInBatch, (int)ids.shape[0]);
            for (int b = 0; b < context.NumItemsInBatch; b++)
            {
                var example = data[context.ExampleIndices[b]];
                Assert.Equal(example.ClassLabel, labels[b]);
                Assert.Equal(example.InputIds.Select(i => (long)i), ids[b].narrow(0, 0, example.InputIds.Length).data<long>().ToArray());
            }
            seen.AddRange(context.ExampleIndices);
            return torch.nn.functional.cross_entropy(context.Outputs.Logits!, context.Inputs.Labels!);
        });
        trainer.Train();
        Assert.Equal(Enumerable.Range(0, data.Count), seen.Order()); // every example once in the epoch

        trainer.LossFunction = TrainingLoss.FromFunction(context => context.Outputs.Logits!.sum(1)); // not a scalar
        Assert.Throws<InvalidOperationException>(() => trainer.Train());
    }

    [Fact]
    public void Distilling_from_cached_logits_equals_distilling_from_the_online_teacher()
    {
        // Same teacher, same data: the cache (computed in other batches) and the on-the-fly teacher agree to fp32
        // rounding, so the students end close; and the student moves toward the teacher's predictions.
        var data = SyntheticData.Create(40, seed: 3);
        using var teacher = TinyDistilBert(layers: 2, seed: 99);
        using var dir = new TempDirectory();
        using var cache = TeacherLogitsCache.LoadOrCompute(dir.Combine("t.safetensors"), teacher, data);

        using var online = TinyDistilBert(layers: 1, seed: 0, dropout: 0);
        using (var trainer = new Trainer(online, Args(dir.Combine("a")), data))
        {
            trainer.LossFunction = new DistillationLoss(new OnlineTeacher(teacher), temperature: 2, alpha: 1);
            trainer.Train();
        }
        using var cached = TinyDistilBert(layers: 1, seed: 0, dropout: 0);
        using (var trainer = new Trainer(cached, Args(dir.Combine("b")), data))
        {
            trainer.LossFunction = new DistillationLoss(cache, temperature: 2, alpha: 1);
            trainer.Train();
        }
        var a = Snapshot(online);
        var b = Snapshot(cached);
        foreach (var (name, values) in a)
            for (int i = 0; i < values.Length; i++) Assert.True(Math.Abs(values[i] - b[name][i]) < 1e-4, $"{name}[{i}]: {values[i]} vs {b[name][i]}");
    }
}
