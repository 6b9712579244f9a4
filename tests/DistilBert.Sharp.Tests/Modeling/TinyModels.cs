using DistilBert.Sharp.Modeling;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Modeling;

/// <summary>Tiny configurations and inputs so unit tests run in milliseconds without ../shared.</summary>
internal static class TinyModels
{
    public static DistilBertConfig Config(int numLabels = 2) => new()
    {
        Dim = 16, NLayers = 2, NHeads = 2, HiddenDim = 32, VocabSize = 50, MaxPositionEmbeddings = 20,
        Id2Label = PretrainedConfig.DefaultLabels(numLabels),
    };

    /// <summary>Deterministic ids in [1, vocab) (0 is padding) of shape [batch, seq].</summary>
    public static Tensor Ids(long batch, long seq, int vocab = 50, long seed = 7)
    {
        var g = new Generator((ulong)seed);
        return randint(1, vocab, [batch, seq], dtype: ScalarType.Int64, generator: g);
    }
}
