using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>One post-norm encoder layer (DistilBERT's <c>TransformerBlock</c>, BERT's <c>BertLayer</c>).</summary>
internal interface IEncoderLayer
{
    /// <summary>Transforms <paramref name="x"/> [batch, seq, hidden]; <paramref name="weights"/> is set only when requested.</summary>
    Tensor Forward(Tensor x, AttentionMasks masks, bool outputAttentions, out Tensor? weights);
}

/// <summary>
/// The layer stack of an encoder, under the key <c>layer.N</c>: HF's DistilBERT <c>Transformer</c> and BERT
/// <c>BertEncoder</c>, which differ only in their layer type and in the field name the owning model gives them.
/// </summary>
internal sealed class EncoderStack<TLayer> : nn.Module where TLayer : nn.Module, IEncoderLayer
{
#pragma warning disable IDE1006 // HF key names
    private readonly ModuleList<TLayer> layer;
#pragma warning restore IDE1006

    public EncoderStack(string name, int count, Func<TLayer> create) : base(name)
    {
        layer = nn.ModuleList(Enumerable.Range(0, count).Select(_ => create()).ToArray());
        RegisterComponents();
    }

    /// <summary>
    /// Runs every layer. When requested, <paramref name="hiddenStates"/> receives the input followed by each layer's
    /// output (HF's <c>output_hidden_states</c> order) and <paramref name="attentions"/> each layer's attention weights.
    /// </summary>
    public Tensor Forward(Tensor x, AttentionMasks masks, List<Tensor>? hiddenStates, List<Tensor>? attentions)
    {
        bool outputAttentions = attentions is not null;
        foreach (var block in layer)
        {
            hiddenStates?.Add(x);
            x = block.Forward(x, masks, outputAttentions, out Tensor? weights);
            if (weights is not null) attentions!.Add(weights);
        }
        hiddenStates?.Add(x);
        return x;
    }
}
