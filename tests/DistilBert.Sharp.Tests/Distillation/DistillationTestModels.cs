using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Modeling;
using TorchSharp;

namespace DistilBert.Sharp.Tests.Distillation;

/// <summary>Tiny teachers and students for the distillation tests (milliseconds per step, no ../shared).</summary>
internal static class DistillationTestModels
{
    /// <summary>A tiny DistilBERT classifier with <paramref name="layers"/> layers, initialised from <paramref name="seed"/>.</summary>
    public static DistilBertForSequenceClassification TinyDistilBert(int layers, long seed, double dropout = 0.1)
    {
        torch.manual_seed(seed);
        var config = TinyModels.Config();
        config.NLayers = layers;
        config.Dropout = dropout;
        return new DistilBertForSequenceClassification(config);
    }

    /// <summary>Every parameter as a flat float array, by name (for bit-exact comparisons).</summary>
    public static Dictionary<string, float[]> Snapshot(torch.nn.Module model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray());

    /// <summary>Same shape and the same values (torch.equal).</summary>
    public static bool TensorEqual(torch.Tensor a, torch.Tensor b) => a.shape.SequenceEqual(b.shape) && a.equal(b).all().item<bool>();

    public static void AssertBitIdentical(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected)
            Assert.True(values.AsSpan().SequenceEqual(actual[name]), $"{name} differs");
    }
}
