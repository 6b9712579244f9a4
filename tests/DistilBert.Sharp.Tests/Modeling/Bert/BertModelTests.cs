using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Modeling.Bert;

/// <summary>BERT behaviour that needs no fixture: token types, input checks, initialisation, save/load, the head's loss.</summary>
public class BertModelTests
{
    [Fact]
    public void Null_token_types_mean_segment_zero_and_segment_one_changes_the_output()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var model = new BertModel(TinyBert.Config());
        model.eval();
        using var noGrad = no_grad();
        var ids = TinyModels.Ids(2, 6);
        var none = model.call(new ModelInputs(ids)).LastHiddenState!;
        var zeros = model.call(new ModelInputs(ids, TokenTypeIds: zeros_like(ids))).LastHiddenState!;
        var ones = model.call(new ModelInputs(ids, TokenTypeIds: ones_like(ids))).LastHiddenState!;
        Assert.True(Same(none, zeros));
        Assert.False(none.allclose(ones, 1e-3, 1e-3));
    }

    [Fact]
    public void Bad_token_type_ids_are_rejected_with_the_offending_value()
    {
        using var scope = NewDisposeScope();
        using var model = new BertModel(TinyBert.Config());
        var ids = TinyModels.Ids(2, 6);
        var tooLarge = Assert.Throws<ArgumentException>(() => model.call(new ModelInputs(ids, TokenTypeIds: full_like(ids, 2))));
        Assert.Contains("segment id 2", tooLarge.Message);
        var shape = Assert.Throws<ArgumentException>(() => model.call(new ModelInputs(ids, TokenTypeIds: zeros(2, 5, dtype: ScalarType.Int64))));
        Assert.Contains("TokenTypeIds shape [2, 5]", shape.Message);
    }

    [Fact]
    public void Initialisation_follows_HF()
    {
        manual_seed(3);
        var config = TinyBert.Config();
        using var model = new BertForSequenceClassification(config);
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        Assert.True(p["bert.embeddings.word_embeddings.weight"][config.PadTokenId].eq(0).all().item<bool>());
        Assert.True(p["bert.encoder.layer.1.output.LayerNorm.weight"].eq(1).all().item<bool>());
        Assert.True(p["bert.pooler.dense.bias"].eq(0).all().item<bool>());
        double std = p["bert.encoder.layer.0.intermediate.dense.weight"].std().item<float>();
        Assert.InRange(std, 0.015, 0.025); // N(0, 0.02) over 512 draws
    }

    [Fact]
    public void SavePretrained_then_FromPretrained_and_Auto_reproduce_the_logits()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDirectory();
        manual_seed(5);
        using var model = new BertForSequenceClassification(TinyBert.Config(numLabels: 3));
        model.eval();
        var inputs = new ModelInputs(TinyModels.Ids(2, 7), TokenTypeIds: cat([zeros(2, 3, dtype: ScalarType.Int64), ones(2, 4, dtype: ScalarType.Int64)], 1));
        using var noGrad = no_grad();
        var expected = model.call(inputs).Logits!;
        string target = dir.Combine("saved");
        model.SavePretrained(target);
        Assert.Contains("\"model_type\": \"bert\"", File.ReadAllText(Path.Combine(target, "config.json")));
        Assert.Null(model.Config.Architectures); // saving writes architectures on a copy
        using var loaded = BertForSequenceClassification.FromPretrained(target);
        LoadReports.AssertExact(loaded.LastLoadReport);
        Assert.Equal(["BertForSequenceClassification"], loaded.Config.Architectures);
        Assert.True(Same(expected, loaded.call(inputs).Logits!));
        using var auto = AutoModelForSequenceClassification.FromPretrained(target);
        Assert.IsType<BertForSequenceClassification>(auto);
        Assert.True(Same(expected, auto.call(inputs).Logits!));
    }

    [Fact]
    public void Encoder_checkpoint_with_legacy_position_ids_loads_into_the_head_with_only_the_classifier_missing()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDirectory();
        manual_seed(6);
        using var encoder = new BertModel(TinyBert.Config());
        var config = TinyBert.Config();
        config.Save(dir.Combine("config.json"));
        // Older HF checkpoints also store the position_ids buffer; it must be accepted and ignored.
        var state = encoder.state_dict().ToList();
        state.Add(new("embeddings.position_ids", arange(20, dtype: ScalarType.Int64).unsqueeze(0)));
        CheckpointWriter.Save(dir.Path, state);
        using var head = BertForSequenceClassification.FromPretrained(dir.Path);
        var report = head.LastLoadReport!;
        Assert.Equal(["classifier.bias", "classifier.weight"], report.MissingKeys.Order(StringComparer.Ordinal));
        Assert.Empty(report.UnexpectedKeys);
        Assert.Contains("embeddings.position_ids", report.IgnoredKeys);
        var loaded = head.named_parameters().Single(p => p.name == "bert.pooler.dense.weight").parameter;
        Assert.True(Same(encoder.named_parameters().Single(p => p.name == "pooler.dense.weight").parameter, loaded));
    }

    [Fact]
    public void Regression_head_returns_the_mean_squared_error_of_its_logits()
    {
        using var scope = NewDisposeScope();
        manual_seed(8);
        using var model = new BertForSequenceClassification(TinyBert.Config(numLabels: 1));
        model.eval();
        var labels = tensor(new[] { 0.5f, -1.5f });
        var output = model.call(new ModelInputs(TinyModels.Ids(2, 5), Labels: labels));
        var expected = (output.Logits!.view(-1) - labels).pow(2).mean();
        Assert.Equal(expected.item<float>(), output.Loss!.item<float>(), 6);
    }

    [Fact]
    public void Pooler_output_is_tanh_of_the_dense_first_token()
    {
        using var scope = NewDisposeScope();
        manual_seed(9);
        using var model = new BertModel(TinyBert.Config());
        model.eval();
        using var noGrad = no_grad();
        var output = model.call(new ModelInputs(TinyModels.Ids(3, 4)));
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        var first = output.LastHiddenState![TensorIndex.Colon, 0];
        var expected = (first.matmul(p["pooler.dense.weight"].t()) + p["pooler.dense.bias"]).tanh();
        Assert.True(expected.allclose(output.PoolerOutput!, 1e-6, 1e-6));
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
