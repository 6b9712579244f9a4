using System.Text.Json.Nodes;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;

namespace DistilBert.Sharp.Tests.Modeling;

/// <summary>config.json reading, writing and validation.</summary>
public class DistilBertConfigTests
{
    [SkippableTheory]
    [InlineData("distilbert-tiny-seqcls")]
    [InlineData("distilbert-tiny-regression-sinusoidal-relu")]
    [InlineData("distilbert-tiny-multilabel")]
    public void HF_config_round_trips_without_losing_any_key(string folder)
    {
        string path = Path.Combine(SharedData.RequireFixture(folder), "config.json");
        var original = JsonNode.Parse(File.ReadAllText(path))!;
        var config = DistilBertConfig.FromFile(path);
        Assert.Equal(32, config.Dim);
        Assert.Equal(original["id2label"]!.AsObject().Count, config.NumLabels);
        Assert.Equal((string?)original["problem_type"], config.ProblemType);
        Assert.Equal((bool)original["sinusoidal_pos_embds"]!, config.SinusoidalPosEmbds);
        var written = JsonNode.Parse(config.ToJson())!;
        Assert.True(JsonNode.DeepEquals(original, written), $"round trip differs:\n{written}");
    }

    [Fact]
    public void Unknown_keys_survive_and_defaults_fill_the_rest()
    {
        var config = DistilBertConfig.FromJson("""{"model_type": "distilbert", "dim": 64, "n_heads": 4, "my_setting": {"a": [1, 2]}, "num_labels": 3}""");
        Assert.Equal(64, config.Dim);
        Assert.Equal(6, config.NLayers);
        Assert.Equal(3, config.NumLabels);
        Assert.Equal("LABEL_2", config.Id2Label[2]);
        var again = DistilBertConfig.FromJson(config.ToJson());
        Assert.Equal("""{"a":[1,2]}""", again.ExtraKeys["my_setting"]!.ToJsonString());
        Assert.Equal(2, again.Label2Id["LABEL_2"]);
    }

    [Theory]
    [InlineData("""{"dim": 30, "n_heads": 4}""", "n_heads")]
    [InlineData("""{"activation": "gelu_fast"}""", "gelu_fast")]
    [InlineData("""{"n_layers": 0}""", "n_layers")]
    [InlineData("""{"vocab_size": -5}""", "vocab_size")]
    [InlineData("""{"dim": "big"}""", "'dim'")]
    [InlineData("""{"dropout": 1.5}""", "dropout")]
    [InlineData("""{"model_type": "bert"}""", "bert")]
    [InlineData("""{"num_labels": 3, "id2label": {"0": "a", "1": "b"}}""", "num_labels")]
    [InlineData("""{"problem_type": "ranking"}""", "ranking")]
    [InlineData("""{"pad_token_id": 99, "vocab_size": 50}""", "pad_token_id")]
    [InlineData("""[1, 2]""", "JSON object")]
    [InlineData("""{"dim": 32,""", "not valid JSON")]
    public void Invalid_values_give_a_clear_error_naming_the_key(string json, string expectedInMessage)
    {
        var e = Assert.Throws<InvalidDataException>(() => DistilBertConfig.FromJson(json));
        Assert.Contains(expectedInMessage, e.Message);
    }

    [Fact]
    public void FromFile_names_the_file_and_Save_replaces_atomically()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("config.json");
        File.WriteAllText(path, """{"n_heads": 5}""");
        var e = Assert.Throws<InvalidDataException>(() => DistilBertConfig.FromFile(path));
        Assert.Contains(path, e.Message);

        var config = new DistilBertConfig { Dim = 40, NHeads = 5, ProblemType = "regression", Architectures = ["DistilBertModel"] };
        config.NumLabels = 1;
        config.Save(path);
        Assert.Equal([path], Directory.GetFiles(dir.Path));
        var back = DistilBertConfig.FromFile(path);
        Assert.Equal(config.ToJson(), back.ToJson());
        Assert.Equal(["DistilBertModel"], back.Architectures!);
        Assert.Throws<FileNotFoundException>(() => DistilBertConfig.FromFile(dir.Combine("missing.json")));
    }

    [Fact]
    public void Model_copies_the_config_so_later_edits_do_not_reach_it()
    {
        var config = TinyModels.Config(3);
        using var model = new DistilBertForSequenceClassification(config);
        config.NumLabels = 5;
        Assert.Equal(3, model.Config.NumLabels);
    }
}
