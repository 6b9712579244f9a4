using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Weights;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Modeling;

/// <summary>HF's _init_weights: N(0, initializer_range) weights, zero biases, LayerNorm 1/0, zero padding row; seeded.</summary>
[Collection(TorchRngCollection.Name)]
public class InitializationTests
{
    [Fact]
    public void Weights_follow_HF_init_rules()
    {
        manual_seed(11);
        var config = new DistilBertConfig { Dim = 64, NLayers = 1, NHeads = 4, HiddenDim = 128, VocabSize = 300, MaxPositionEmbeddings = 64, InitializerRange = 0.05, PadTokenId = 3 };
        using var model = new DistilBertForMaskedLM(config);
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        foreach (var (name, t) in p)
        {
            if (name.EndsWith("LayerNorm.weight", StringComparison.Ordinal) || name.EndsWith("layer_norm.weight", StringComparison.Ordinal))
                Assert.True(t.eq(1).all().item<bool>(), name);
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
                Assert.True(t.eq(0).all().item<bool>(), name);
            else
            {
                var values = t.detach();
                if (name.EndsWith("word_embeddings.weight", StringComparison.Ordinal))
                {
                    Assert.True(values[3].eq(0).all().item<bool>(), "padding row is zero");
                    values = cat([values[TensorIndex.Slice(0, 3)], values[TensorIndex.Slice(4, null)]]);
                }
                double std = values.std().item<float>(), mean = values.mean().item<float>();
                Assert.InRange(std, 0.045, 0.055);
                Assert.InRange(mean, -0.01, 0.01);
            }
        }
        // The projector is tied: it appears once, under the embedding's name, as in PyTorch.
        Assert.DoesNotContain("vocab_projector.weight", p.Keys);
        Assert.Contains("vocab_projector.bias", p.Keys);
    }

    [Fact]
    public void Same_seed_gives_identical_models()
    {
        manual_seed(5);
        using var a = new DistilBertForSequenceClassification(TinyModels.Config());
        manual_seed(5);
        using var b = new DistilBertForSequenceClassification(TinyModels.Config());
        var pb = b.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        foreach (var (name, t) in a.named_parameters())
            Assert.True(t.eq(pb[name]).all().item<bool>(), name);
    }

    [Fact]
    public void Sinusoidal_table_matches_the_closed_form_and_is_frozen()
    {
        var config = TinyModels.Config();
        config.SinusoidalPosEmbds = true;
        using var model = new DistilBertModel(config);
        var table = model.named_parameters().Single(x => x.name == "embeddings.position_embeddings.weight").parameter;
        Assert.False(table.requires_grad);
        // Spot values: pos 3, column 0 = sin(3); column 1 = cos(3); column 2 = sin(3 / 10000^(2/16)).
        Assert.Equal(Math.Sin(3), table[3, 0].item<float>(), 6);
        Assert.Equal(Math.Cos(3), table[3, 1].item<float>(), 6);
        Assert.Equal(Math.Sin(3 / Math.Pow(10000, 2.0 / 16)), table[3, 2].item<float>(), 6);
        Assert.Equal(0.0, table[0, 0].item<float>());
    }
}
