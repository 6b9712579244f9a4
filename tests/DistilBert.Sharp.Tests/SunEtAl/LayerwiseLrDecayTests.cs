using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tests.Modeling.Bert;
using DistilBert.Sharp.Tests.Training;
using DistilBert.Sharp.Training;
using DistilBert.Sharp.Training.Optimization;
using TorchSharp;

namespace DistilBert.Sharp.Tests.SunEtAl;

/// <summary>Layer-wise learning-rate decay: exact group rates, weight-decay split, and composition with the schedule.</summary>
[Collection(TorchRngCollection.Name)]
public sealed class LayerwiseLrDecayTests
{
    private static DistilBertForSequenceClassification NewModel()
    {
        torch.manual_seed(1);
        return new DistilBertForSequenceClassification(new DistilBertConfig
        {
            VocabSize = 24, Dim = 8, NLayers = 3, NHeads = 2, HiddenDim = 16, MaxPositionEmbeddings = 16,
        });
    }

    /// <summary>Hand-computed: base 1e-3, decay 0.5, 3 layers → head 1e-3, layer 2: 5e-4, 1: 2.5e-4, 0: 1.25e-4, embeddings 6.25e-5.</summary>
    private static double ExpectedLr(string name) =>
        name.StartsWith("distilbert.embeddings.", StringComparison.Ordinal) ? 6.25e-5
        : name.StartsWith("distilbert.transformer.layer.2.", StringComparison.Ordinal) ? 5e-4
        : name.StartsWith("distilbert.transformer.layer.1.", StringComparison.Ordinal) ? 2.5e-4
        : name.StartsWith("distilbert.transformer.layer.0.", StringComparison.Ordinal) ? 1.25e-4
        : name.StartsWith("pre_classifier.", StringComparison.Ordinal) || name.StartsWith("classifier.", StringComparison.Ordinal) ? 1e-3
        : throw new InvalidOperationException($"unexpected parameter {name}");

    private static bool ExpectDecay(string name) =>
        name.EndsWith(".weight", StringComparison.Ordinal) && !name.Contains("layer_norm", StringComparison.Ordinal)
        && !name.Contains("LayerNorm", StringComparison.Ordinal);

    [Fact]
    public void Every_parameter_gets_base_times_decay_to_its_depth_and_HFs_weight_decay_split()
    {
        using var model = NewModel();
        var args = new TrainingArguments { OutputDir = "unused", LearningRate = 1e-3, WeightDecay = 0.01, LayerwiseLrDecay = 0.5 };
        var groups = ParameterGroups.Create(model, args);

        var seen = new Dictionary<string, ParameterGroup>();
        foreach (var g in groups)
        {
            Assert.Equal(g.BaseLearningRate, g.LearningRate);
            foreach (var (name, _) in g.Parameters) Assert.True(seen.TryAdd(name, g), $"{name} is in two groups");
        }
        var all = model.named_parameters().Select(p => p.name).ToList();
        Assert.Equal(all.OrderBy(n => n, StringComparer.Ordinal), seen.Keys.OrderBy(n => n, StringComparer.Ordinal));
        foreach (string name in all)
        {
            Assert.True(Math.Abs(ExpectedLr(name) - seen[name].BaseLearningRate) < 1e-18, $"{name}: {seen[name].BaseLearningRate}");
            Assert.Equal(ExpectDecay(name) ? 0.01 : 0.0, seen[name].WeightDecay);
        }
        Assert.Equal(10, groups.Count); // 5 depths × {decay, no decay}
        Assert.Equal(1e-3, groups[0].BaseLearningRate); // the head comes first, so the logged learning_rate is the base rate
    }

    [Fact]
    public void Depth_follows_the_documented_rule_for_DistilBert_and_Bert_names()
    {
        Assert.Equal(0, LayerwiseLearningRates.Depth("classifier.weight", 12));
        Assert.Equal(0, LayerwiseLearningRates.Depth("bert.pooler.dense.weight", 12));
        Assert.Equal(1, LayerwiseLearningRates.Depth("bert.encoder.layer.11.output.dense.weight", 12));
        Assert.Equal(12, LayerwiseLearningRates.Depth("bert.encoder.layer.0.attention.self.query.bias", 12));
        Assert.Equal(13, LayerwiseLearningRates.Depth("bert.embeddings.token_type_embeddings.weight", 12));
        Assert.Equal(6, LayerwiseLearningRates.Depth("distilbert.transformer.layer.0.ffn.lin1.weight", 6));
        Assert.Equal(7, LayerwiseLearningRates.Depth("distilbert.embeddings.word_embeddings.weight", 6));
        Assert.Null(LayerwiseLearningRates.LayerIndex("vocab_transform.weight"));
    }

    [Fact]
    public void Bert_pooler_and_classifier_get_the_base_rate_layers_and_embeddings_decay()
    {
        torch.manual_seed(1);
        using var model = new BertForSequenceClassification(TinyBert.Config()); // 2 layers
        var groups = ParameterGroups.Create(model, new TrainingArguments { OutputDir = "unused", LearningRate = 1e-3, LayerwiseLrDecay = 0.5 });
        var lrOf = groups.SelectMany(g => g.Parameters.Select(p => (p.Name, g.BaseLearningRate))).ToDictionary(x => x.Name, x => x.BaseLearningRate);
        Assert.Equal(model.named_parameters().Count(), lrOf.Count);
        foreach (var (name, lr) in lrOf)
        {
            double expected = name.StartsWith("bert.embeddings.", StringComparison.Ordinal) ? 1.25e-4
                : name.StartsWith("bert.encoder.layer.0.", StringComparison.Ordinal) ? 2.5e-4
                : name.StartsWith("bert.encoder.layer.1.", StringComparison.Ordinal) ? 5e-4
                : name.StartsWith("bert.pooler.", StringComparison.Ordinal) || name.StartsWith("classifier.", StringComparison.Ordinal) ? 1e-3
                : throw new InvalidOperationException($"unexpected parameter {name}");
            Assert.True(Math.Abs(expected - lr) < 1e-18, $"{name}: {lr}");
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1.0)]
    public void Off_gives_HFs_two_groups(double? decay)
    {
        using var model = NewModel();
        var groups = ParameterGroups.Create(model, new TrainingArguments { OutputDir = "unused", LearningRate = 1e-3, WeightDecay = 0.01, LayerwiseLrDecay = decay });
        Assert.Equal(2, groups.Count);
        Assert.All(groups, g => Assert.Equal(1e-3, g.BaseLearningRate));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(-0.1)]
    public void Out_of_range_decay_is_rejected_naming_the_argument(double decay)
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrainingArguments { OutputDir = "x", LayerwiseLrDecay = decay }.Validate());
        Assert.Contains("layerwise_lr_decay", ex.Message);
    }

    private sealed class RecordLrs(Func<IReadOnlyList<ParameterGroup>> groups) : TrainerCallback
    {
        public List<(int Step, double[] Lrs)> Seen { get; } = [];

        public override void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) =>
            Seen.Add((state.GlobalStep - 1, groups().Select(g => g.LearningRate).ToArray()));
    }

    [Fact]
    public void The_trainer_scales_every_layer_group_by_the_same_schedule_factor()
    {
        using var dir = new TempDirectory();
        using var model = NewModel();
        var args = new TrainingArguments
        {
            OutputDir = dir.Path, MaxSteps = 6, WarmupSteps = 2, LrSchedulerType = SchedulerType.Linear, LearningRate = 1e-3,
            LayerwiseLrDecay = 0.5, WeightDecay = 0.01, PerDeviceTrainBatchSize = 8, SaveStrategy = SaveStrategy.No, LoggingSteps = 1,
        };
        IReadOnlyList<ParameterGroup>? used = null;
        using var trainer = new Trainer(model, args, SyntheticData.Create(32, seed: 3));
        trainer.ParameterGroupsFactory = (m, a) => used = ParameterGroups.Create(m, a);
        var recorder = new RecordLrs(() => used!);
        trainer.AddCallback(recorder);
        trainer.Train();

        var schedule = new LearningRateSchedule(SchedulerType.Linear, 2, 6, 1e-3);
        Assert.Equal(6, recorder.Seen.Count);
        Assert.Equal(10, used!.Count);
        foreach (var (step, lrs) in recorder.Seen)
        {
            for (int g = 0; g < lrs.Length; g++)
                Assert.True(Math.Abs(used[g].BaseLearningRate * schedule.Factor(step) - lrs[g]) < 1e-18, $"step {step} group {g}: {lrs[g]}");
        }
        // The logged learning_rate is the head's, i.e. HF's schedule of the base rate.
        var logged = trainer.State.LogHistory.Where(l => l.ContainsKey("learning_rate")).Select(l => l["learning_rate"]).ToList();
        Assert.Equal(Enumerable.Range(0, 6).Select(s => 1e-3 * schedule.Factor(s)), logged);
    }
}
