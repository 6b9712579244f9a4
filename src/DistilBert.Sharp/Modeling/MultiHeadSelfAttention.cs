using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// The padding mask prepared once per forward in the two forms attention needs: an additive bias for the fused
/// <c>scaled_dot_product_attention</c> and a boolean "masked" tensor for the eager path. Both are [batch, 1, 1, seq].
/// Null members mean "attend everywhere".
/// </summary>
internal sealed record AttentionMasks(Tensor? AdditiveBias, Tensor? Masked);

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
        long batch = x.shape[0], seq = x.shape[1], dim = x.shape[2];
        Tensor Shape(Tensor t) => t.view(batch, seq, _heads, _headDim).transpose(1, 2);
        // Under bf16 mixed precision q/k/v stay bf16 so the fused attention runs in bf16 too (see MixedPrecision).
        var q = Shape(MixedPrecision.Linear(q_lin, x, keepBf16: true));
        var k = Shape(MixedPrecision.Linear(k_lin, x, keepBf16: true));
        var v = Shape(MixedPrecision.Linear(v_lin, x, keepBf16: true));
        Tensor context;
        if (!outputAttentions)
        {
            // Fused kernel (much faster on CPU). The additive bias holds finfo.min at padded keys, which is what HF's
            // masked_fill produces: score + finfo.min rounds to finfo.min, so even a fully padded row stays uniform.
            context = nn.functional.scaled_dot_product_attention(q, k, v, MixedPrecision.BiasFor(masks.AdditiveBias, q.dtype), training ? _attentionDropout : 0.0);
            weights = null;
        }
        else
        {
            // Eager path, step for step as HF writes it, because the caller wants the attention probabilities.
            // Autocast runs softmax in fp32, so bf16 projections come back to the residual dtype here.
            if (q.dtype != x.dtype) (q, k, v) = (q.to(x.dtype), k.to(x.dtype), v.to(x.dtype));
            q = q / Math.Sqrt(_headDim);
            var scores = q.matmul(k.transpose(2, 3));
            if (masks.Masked is not null)
                scores = scores.masked_fill(masks.Masked, MaskValue(scores.dtype));
            weights = dropout.call(scores.softmax(-1));
            context = weights.matmul(v);
        }
        context = context.transpose(1, 2).reshape(batch, seq, dim);
        return MixedPrecision.Linear(out_lin, context);
    }

    /// <summary>The fill value for padded keys: the dtype's most negative finite number (HF's <c>torch.finfo(dtype).min</c>).</summary>
    public static Scalar MaskValue(ScalarType dtype) => finfo(dtype).min;
}
