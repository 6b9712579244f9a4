using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>HF's <c>MultiHeadSelfAttention</c>: q/k/v projections, scaled dot-product attention, output projection.</summary>
internal sealed class MultiHeadSelfAttention : nn.Module
{
#pragma warning disable IDE1006 // HF key names
    private readonly Linear q_lin;
    private readonly Linear k_lin;
    private readonly Linear v_lin;
    private readonly Linear out_lin;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    private readonly int _heads;
    private readonly int _headDim;
    private readonly double _attentionDropout;

    public MultiHeadSelfAttention(DistilBertConfig config) : base("attention")
    {
        _heads = config.NHeads;
        _headDim = config.HeadDim;
        _attentionDropout = config.AttentionDropout;
        q_lin = nn.Linear(config.Dim, config.Dim);
        k_lin = nn.Linear(config.Dim, config.Dim);
        v_lin = nn.Linear(config.Dim, config.Dim);
        out_lin = nn.Linear(config.Dim, config.Dim);
        dropout = nn.Dropout(config.AttentionDropout);
        RegisterComponents();
    }

    /// <summary>Self-attention over <paramref name="x"/> [batch, seq, dim]; <paramref name="weights"/> is set only when requested.</summary>
    public Tensor Forward(Tensor x, AttentionMasks masks, bool outputAttentions, out Tensor? weights)
    {
        // Under bf16 mixed precision q/k/v stay bf16 so the fused attention runs in bf16 too (see MixedPrecision).
        var q = AttentionKernel.SplitHeads(MixedPrecision.Linear(q_lin, x, keepBf16: true), _heads, _headDim);
        var k = AttentionKernel.SplitHeads(MixedPrecision.Linear(k_lin, x, keepBf16: true), _heads, _headDim);
        var v = AttentionKernel.SplitHeads(MixedPrecision.Linear(v_lin, x, keepBf16: true), _heads, _headDim);
        var context = AttentionKernel.Attend(q, k, v, masks, training ? _attentionDropout : 0.0, dropout, outputAttentions, out weights);
        return MixedPrecision.Linear(out_lin, context);
    }
}
