using DistilBert.Sharp.Modeling;

namespace DistilBert.Sharp.Tests.Modeling.Bert;

/// <summary>A tiny BERT configuration so unit tests run in milliseconds without ../shared.</summary>
internal static class TinyBert
{
    public static BertConfig Config(int numLabels = 2) => new()
    {
        HiddenSize = 16, NumHiddenLayers = 2, NumAttentionHeads = 2, IntermediateSize = 32, VocabSize = 50,
        MaxPositionEmbeddings = 20, TypeVocabSize = 2, Id2Label = PretrainedConfig.DefaultLabels(numLabels),
    };
}
