using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>One post-norm encoder layer (DistilBERT's <c>TransformerBlock</c>, BERT's <c>BertLayer</c>).</summary>
internal interface IEncoderLayer
{
    /// <summary>Transforms <paramref name="x"/> [batch, seq, hidden]; <paramref name="weights"/> is set only when requested.</summary>
    Tensor Forward(Tensor x, AttentionMasks masks, bool outputAttentions, out Tensor? weights);
}

/// <summary>Runs a stack of encoder layers, collecting what HF's <c>output_hidden_states</c> / <c>output_attentions</c> return.</summary>
internal static class EncoderStack
{
    /// <summary>
    /// Runs every layer. When requested, <paramref name="hiddenStates"/> receives the input followed by each layer's
    /// output (HF's order) and <paramref name="attentions"/> each layer's attention weights.
    /// </summary>
    public static Tensor Run(IEnumerable<IEncoderLayer> layers, Tensor x, AttentionMasks masks, List<Tensor>? hiddenStates, List<Tensor>? attentions)
    {
        bool outputAttentions = attentions is not null;
        foreach (var layer in layers)
        {
            hiddenStates?.Add(x);
            x = layer.Forward(x, masks, outputAttentions, out Tensor? weights);
            if (weights is not null) attentions!.Add(weights);
        }
        hiddenStates?.Add(x);
        return x;
    }
}
