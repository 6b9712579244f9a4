using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Modeling.Bert;

/// <summary>BertConfig parsing/validation and the Auto classes' choice by model_type.</summary>
public class BertConfigAndAutoTests
{
    [Fact]
    public void Missing_keys_take_bert_base_defaults_and_unknown_keys_survive_a_round_trip()
    {
        var config = BertConfig.FromJson("""{"model_type": "bert", "hidden_size": 64, "num_attention_heads": 4, "gradient_checkpointing": false}""");
        Assert.Equal((64, 12, 3072, 2, 1e-12, 0.1), (config.HiddenSize, config.NumHiddenLayers, config.IntermediateSize,
            config.TypeVocabSize, config.LayerNormEps, config.HiddenDropoutProb));
        Assert.Equal(16, config.HeadDim);
        var again = BertConfig.FromJson(config.ToJson());
        Assert.True(again.ExtraKeys.ContainsKey("gradient_checkpointing"));
        Assert.Equal(config.ToJson(), again.ToJson());
    }

    [Theory]
    [InlineData("""{"position_embedding_type": "relative_key"}""", "position_embedding_type 'relative_key'")]
    [InlineData("""{"is_decoder": true}""", "is_decoder")]
    [InlineData("""{"hidden_size": 30, "num_attention_heads": 4}""", "hidden_size (30) must be divisible")]
    [InlineData("""{"classifier_dropout": 1.5}""", "classifier_dropout")]
    [InlineData("""{"model_type": "distilbert"}""", "not 'bert'")]
    [InlineData("""{"layer_norm_eps": "small"}""", "'layer_norm_eps'")]
    public void Unsupported_or_invalid_values_are_rejected_naming_the_key(string json, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => BertConfig.FromJson(json));
        Assert.Contains(expected, ex.Message);
        Assert.StartsWith("config.json", ex.Message);
    }

    [Fact]
    public void AutoConfig_reads_the_class_named_by_model_type()
    {
        using var dir = new TempDirectory();
        TinyBert.Config().Save(dir.Combine("bert.json"));
        TinyModels.Config().Save(dir.Combine("distilbert.json"));
        Assert.IsType<BertConfig>(AutoConfig.FromFile(dir.Combine("bert.json")));
        Assert.IsType<DistilBertConfig>(AutoConfig.FromFile(dir.Combine("distilbert.json")));
    }

    [Theory]
    [InlineData("""{"model_type": "roberta"}""", "model_type 'roberta' is not supported")]
    [InlineData("""{"hidden_size": 32}""", "no string 'model_type'")]
    public void Auto_classes_refuse_unknown_or_missing_model_types_clearly(string json, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("config.json"), json);
        File.WriteAllBytes(dir.Combine("model.safetensors"), []);
        var ex = Assert.Throws<NotSupportedException>(() => AutoModel.FromPretrained(dir.Path));
        Assert.Contains(expected, ex.Message);
        Assert.Contains("config.json", ex.Message);
        Assert.Throws<NotSupportedException>(() => AutoModelForSequenceClassification.FromPretrained(dir.Path));
        Assert.Throws<NotSupportedException>(() => AutoConfig.FromFile(dir.Combine("config.json")));
    }

    [Fact]
    public void AutoModel_loads_a_saved_DistilBERT_encoder_as_DistilBertModel()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDirectory();
        manual_seed(2);
        using (var model = new DistilBertModel(TinyModels.Config())) model.SavePretrained(dir.Path);
        using var auto = AutoModel.FromPretrained(dir.Path);
        Assert.IsType<DistilBertModel>(auto);
        LoadReports.AssertExact(auto.LastLoadReport);
    }
}
