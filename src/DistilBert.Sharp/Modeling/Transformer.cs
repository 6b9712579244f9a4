using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>HF's <c>Transformer</c>: the stack of <see cref="TransformerBlock"/>s under the key <c>transformer.layer.N</c>.</summary>
internal sealed class Transformer : nn.Module
{
#pragma warning disable IDE1006 // HF key names
    private readonly ModuleList<TransformerBlock> layer;
#pragma warning restore IDE1006

    public Transformer(DistilBertConfig config) : base("transformer")
    {
        layer = nn.ModuleList(Enumerable.Range(0, config.NLayers).Select(_ => new TransformerBlock(config)).ToArray());
        RegisterComponents();
    }

    /// <summary>Runs every block (see <see cref="EncoderStack.Run"/>).</summary>
    public Tensor Forward(Tensor x, AttentionMasks masks, List<Tensor>? hiddenStates, List<Tensor>? attentions) =>
        EncoderStack.Run(layer, x, masks, hiddenStates, attentions);
}
