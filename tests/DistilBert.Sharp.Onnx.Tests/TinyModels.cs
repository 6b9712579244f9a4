using DistilBert.Sharp.Modeling;

namespace DistilBert.Sharp.Onnx.Tests;

/// <summary>Small random models built in-process, so export is covered without ../shared.</summary>
internal static class TinyModels
{
    public static DistilBertConfig DistilBert(int labels = 3, string activation = "gelu", bool sinusoidal = false) => new()
    {
        VocabSize = 60, Dim = 32, NLayers = 2, NHeads = 4, HiddenDim = 48, MaxPositionEmbeddings = 40,
        Activation = activation, SinusoidalPosEmbds = sinusoidal, NumLabels = labels,
    };

    public static BertConfig Bert(int labels = 2) => new()
    {
        VocabSize = 60, HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 48,
        MaxPositionEmbeddings = 40, TypeVocabSize = 2, NumLabels = labels,
    };

    /// <summary>Every exportable class, freshly initialised from a fixed seed.</summary>
    public static PreTrainedModel Create(string name)
    {
        TorchSharp.torch.manual_seed(7);
        return name switch
        {
            nameof(DistilBertModel) => new DistilBertModel(DistilBert()),
            nameof(DistilBertForSequenceClassification) => new DistilBertForSequenceClassification(DistilBert()),
            "DistilBertForSequenceClassification(relu, sinusoidal, 1 label)" => new DistilBertForSequenceClassification(DistilBert(1, "relu", sinusoidal: true)),
            "DistilBertForSequenceClassification(silu)" => new DistilBertForSequenceClassification(DistilBert(2, "silu")),
            nameof(DistilBertForTokenClassification) => new DistilBertForTokenClassification(DistilBert(5)),
            nameof(DistilBertForQuestionAnswering) => new DistilBertForQuestionAnswering(DistilBert(2)),
            nameof(DistilBertForMaskedLM) => new DistilBertForMaskedLM(DistilBert()),
            nameof(BertModel) => new BertModel(Bert()),
            nameof(BertForSequenceClassification) => new BertForSequenceClassification(Bert()),
            _ => throw new ArgumentException(name),
        };
    }

    /// <summary>Random ids in [1, vocab) for rows of the given lengths.</summary>
    public static int[][] Rows(int seed, params int[] lengths)
    {
        var random = new Random(seed);
        return lengths.Select(n => Enumerable.Range(0, n).Select(_ => random.Next(1, 60)).ToArray()).ToArray();
    }
}
