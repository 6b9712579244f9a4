using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tests.Modeling;
using DistilBert.Sharp.Tests.Training;
using DistilBert.Sharp.Training.Distillation;
using TorchSharp;
using static DistilBert.Sharp.Tests.Distillation.DistillationTestModels;

namespace DistilBert.Sharp.Tests.Distillation;

[Collection(TorchRngCollection.Name)]
public class TeacherLogitsCacheTests
{
    [Fact]
    public void Miss_computes_the_teachers_logits_then_later_runs_hit_the_file()
    {
        var data = SyntheticData.Create(13, seed: 4);
        using var teacher = TinyDistilBert(layers: 2, seed: 7);
        teacher.train(); // the cache must switch it to eval (no dropout) and back
        using var dir = new TempDirectory();
        string path = dir.Combine("cache", "teacher.safetensors");

        using var first = TeacherLogitsCache.LoadOrCompute(path, teacher, data, batchSize: 4);
        Assert.False(first.LoadedFromFile);
        Assert.True(teacher.training);
        Assert.Equal(13, first.Count);
        // Independent truth: the teacher in eval mode, one example at a time (no padding at all).
        teacher.eval();
        using (torch.no_grad())
        {
            var all = first.Logits();
            for (int i = 0; i < data.Count; i++)
            {
                var ids = torch.tensor(data[i].InputIds.Select(x => (long)x).ToArray()).unsqueeze(0);
                TensorAssert.Close(teacher.forward(new ModelInputs(ids)).Logits!, all[i].unsqueeze(0), abs: 1e-5, what: $"example {i}");
            }
            // Forward returns the rows of the batch's examples, in batch order.
            var rows = first.Forward(new ModelInputs(torch.zeros(2, 3, dtype: torch.ScalarType.Int64)), [7, 2]).Logits!;
            Assert.True(TensorEqual(rows, torch.stack([all[7], all[2]])));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => first.Forward(new ModelInputs(torch.zeros(1, 3, dtype: torch.ScalarType.Int64)), [13]));

        using var second = TeacherLogitsCache.LoadOrCompute(path, teacher, data, batchSize: 5);
        Assert.True(second.LoadedFromFile);
        Assert.True(TensorEqual(first.Logits(), second.Logits()));
        Assert.Equal(["teacher.safetensors"], Directory.GetFiles(dir.Combine("cache")).Select(Path.GetFileName));
    }

    [Fact]
    public void A_changed_teacher_changed_data_other_precision_or_damaged_file_invalidates_the_cache()
    {
        var data = SyntheticData.Create(10, seed: 4);
        using var teacher = TinyDistilBert(layers: 1, seed: 7);
        using var dir = new TempDirectory();
        string path = dir.Combine("teacher.safetensors");
        using (var c = TeacherLogitsCache.LoadOrCompute(path, teacher, data)) Assert.False(c.LoadedFromFile);

        // Other examples (same count, different order): recomputed.
        var reordered = data.Select(Enumerable.Range(0, data.Count).Reverse().ToArray());
        using (var c = TeacherLogitsCache.LoadOrCompute(path, teacher, reordered)) Assert.False(c.LoadedFromFile);
        using (var c = TeacherLogitsCache.LoadOrCompute(path, teacher, reordered)) Assert.True(c.LoadedFromFile);

        // Other precision: recomputed.
        using (var c = TeacherLogitsCache.LoadOrCompute(path, teacher, reordered, bf16: true)) Assert.False(c.LoadedFromFile);

        // A changed weight: recomputed, and the new logits are the new teacher's.
        torch.Tensor before;
        using (var c = TeacherLogitsCache.LoadOrCompute(path, teacher, reordered)) before = c.Logits();
        using (torch.no_grad())
            teacher.named_parameters().Single(p => p.name == "classifier.bias").parameter.add_(1.0);
        using (var c = TeacherLogitsCache.LoadOrCompute(path, teacher, reordered))
        {
            Assert.False(c.LoadedFromFile);
            TensorAssert.Close(before + 1.0, c.Logits(), abs: 1e-5);
        }

        // A damaged file (cut in half) is rebuilt, not fatal.
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        using (var c = TeacherLogitsCache.LoadOrCompute(path, teacher, reordered)) Assert.False(c.LoadedFromFile);
        using (var c = TeacherLogitsCache.LoadOrCompute(path, teacher, reordered)) Assert.True(c.LoadedFromFile);
        Assert.Single(Directory.GetFiles(dir.Path)); // no temporaries left beside it
    }

    [Fact]
    public void The_cache_cannot_serve_hidden_states()
    {
        var data = SyntheticData.Create(4, seed: 4);
        using var teacher = TinyDistilBert(layers: 1, seed: 7);
        using var dir = new TempDirectory();
        using var cache = TeacherLogitsCache.LoadOrCompute(dir.Combine("t.safetensors"), teacher, data);
        Assert.Throws<ArgumentException>(() => new DistillationLoss(cache, cosineWeight: 0.5));
        Assert.Throws<ArgumentException>(() => { _ = TeacherLogitsCache.LoadOrCompute(dir.Combine("e.safetensors"), teacher,
            TextClassificationDataset.FromClassLabels([], [])); });
    }
}
