using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>HF's <c>FFN</c>: lin1 → activation → lin2 → dropout.</summary>
internal sealed class FeedForward : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // HF key names
    private readonly Linear lin1;
    private readonly Linear lin2;
    private readonly Dropout dropout;
#pragma warning restore IDE1006
    private readonly string _activation;

    public FeedForward(DistilBertConfig config) : base("ffn")
    {
        lin1 = nn.Linear(config.Dim, config.HiddenDim);
        lin2 = nn.Linear(config.HiddenDim, config.Dim);
        dropout = nn.Dropout(config.Dropout);
        _activation = config.Activation;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => dropout.call(MixedPrecision.Linear(lin2, Activations.Apply(_activation, MixedPrecision.Linear(lin1, x, keepBf16: true))));
}

/// <summary>HF's <c>TransformerBlock</c>: post-norm self-attention and feed-forward with residual connections.</summary>
internal sealed class TransformerBlock : nn.Module, IEncoderLayer
{
#pragma warning disable IDE1006 // HF key names
    private readonly MultiHeadSelfAttention attention;
    private readonly LayerNorm sa_layer_norm;
    private readonly FeedForward ffn;
    private readonly LayerNorm output_layer_norm;
#pragma warning restore IDE1006

    public TransformerBlock(DistilBertConfig config) : base("layer")
    {
        attention = new MultiHeadSelfAttention(config);
        sa_layer_norm = nn.LayerNorm(config.Dim, eps: 1e-12);
        ffn = new FeedForward(config);
        output_layer_norm = nn.LayerNorm(config.Dim, eps: 1e-12);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, AttentionMasks masks, bool outputAttentions, out Tensor? weights)
    {
        var saOutput = sa_layer_norm.call(attention.Forward(x, masks, outputAttentions, out weights) + x);
        return output_layer_norm.call(ffn.call(saOutput) + saOutput);
    }
}
