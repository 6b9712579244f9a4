using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tests.Modeling;
using DistilBert.Sharp.Tests.Modeling.Bert;
using DistilBert.Sharp.Training.Distillation;
using TorchSharp;
using static DistilBert.Sharp.Tests.Distillation.DistillationTestModels;

namespace DistilBert.Sharp.Tests.Distillation;

[Collection(TorchRngCollection.Name)]
public class StudentInitializerTests
{
    private static ModelInputs Batch()
    {
        var ids = TinyModels.Ids(3, 7);
        var mask = torch.ones(3, 7, dtype: torch.ScalarType.Int64);
        mask[1, 5] = torch.tensor(0L);
        mask[1, 6] = torch.tensor(0L); // padding present
        return new ModelInputs(ids, mask) { OutputHiddenStates = true };
    }

    private static void AssertSameOutputs(PreTrainedModel teacher, PreTrainedModel student)
    {
        teacher.eval();
        student.eval();
        using var noGrad = torch.no_grad();
        var inputs = Batch();
        var t = teacher.forward(inputs);
        var s = student.forward(inputs);
        Assert.True(TensorEqual(t.Logits!, s.Logits!), "logits differ");
        Assert.Equal(t.HiddenStates!.Count, s.HiddenStates!.Count);
        for (int i = 0; i < t.HiddenStates.Count; i++) Assert.True(TensorEqual(t.HiddenStates[i], s.HiddenStates[i]), $"hidden state {i} differs");
    }

    [Fact]
    public void A_DistilBert_student_with_all_teacher_layers_reproduces_the_teacher_exactly()
    {
        using var teacher = TinyDistilBert(layers: 4, seed: 3);
        using var student = StudentInitializer.Create(teacher, [0, 1, 2, 3]);
        Assert.IsType<DistilBertForSequenceClassification>(student);
        AssertSameOutputs(teacher, student);
    }

    [Fact]
    public void A_Bert_student_with_all_teacher_layers_reproduces_the_teacher_exactly()
    {
        torch.manual_seed(5);
        var config = TinyBert.Config();
        config.NumHiddenLayers = 3;
        using var teacher = new BertForSequenceClassification(config);
        using var student = StudentInitializer.Create(teacher, [0, 1, 2]);
        AssertSameOutputs(teacher, student);
    }

    [Fact]
    public void Layers_0_2_4_give_exactly_those_weights_and_save_as_an_ordinary_HF_folder()
    {
        using var teacher = TinyDistilBert(layers: 6, seed: 3);
        Assert.Equal([0, 2, 4], StudentInitializer.EveryOtherLayer(6));
        using var student = StudentInitializer.Create(teacher); // default: every other layer
        var teacherWeights = Snapshot(teacher);
        var studentWeights = Snapshot(student);
        int[] chosen = [0, 2, 4];
        var copiedFrom = new HashSet<string>();
        foreach (var (name, values) in studentWeights)
        {
            string source = name;
            for (int j = 0; j < 3; j++)
                if (name.StartsWith($"distilbert.transformer.layer.{j}.", StringComparison.Ordinal))
                    source = $"distilbert.transformer.layer.{chosen[j]}." + name[$"distilbert.transformer.layer.{j}.".Length..];
            Assert.True(values.AsSpan().SequenceEqual(teacherWeights[source]), $"{name} is not the teacher's {source}");
            copiedFrom.Add(source);
        }
        // Every teacher weight outside layers 1, 3, 5 was copied.
        Assert.Equal(teacherWeights.Keys.Where(k => !k.StartsWith("distilbert.transformer.layer.1.") && !k.StartsWith("distilbert.transformer.layer.3.")
            && !k.StartsWith("distilbert.transformer.layer.5.")).Order(), copiedFrom.Order());
        Assert.Equal(6, ((DistilBertConfig)teacher.Config).NLayers); // the teacher is unchanged

        using var dir = new TempDirectory();
        student.SavePretrained(dir.Path);
        Assert.Contains("\"n_layers\": 3", File.ReadAllText(dir.Combine("config.json")));
        using var reloaded = AutoModelForSequenceClassification.FromPretrained(dir.Path);
        Assert.Empty(reloaded.LastLoadReport!.MissingKeys);
        Assert.Empty(reloaded.LastLoadReport.UnexpectedKeys);
        AssertBitIdentical(studentWeights, Snapshot(reloaded));
    }

    [Fact]
    public void Invalid_layer_choices_are_rejected()
    {
        using var teacher = TinyDistilBert(layers: 2, seed: 3);
        Assert.Throws<ArgumentException>(() => { _ = StudentInitializer.Create(teacher, [0, 2]); });
        Assert.Throws<ArgumentException>(() => { _ = StudentInitializer.Create(teacher, [1, 1]); });
        Assert.Throws<ArgumentException>(() => { _ = StudentInitializer.Create(teacher, []); });
    }
}
