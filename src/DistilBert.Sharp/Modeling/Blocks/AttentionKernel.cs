using DistilBert.Sharp.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// The padding mask prepared once per forward in the two forms attention needs: an additive bias for the fused
/// <c>scaled_dot_product_attention</c> and a boolean "masked" tensor for the eager path. Both are [batch, 1, 1, seq].
/// Null members mean "attend everywhere".
/// </summary>
internal sealed record AttentionMasks(Tensor? AdditiveBias, Tensor? Masked)
{
    /// <summary>
    /// Turns the 1/0 padding mask into both forms, shaped [batch, 1, 1, seq] so they broadcast over heads and query
    /// positions (HF's <c>mask.view(bs, 1, 1, k)</c> in DistilBERT, <c>get_extended_attention_mask</c> in BERT).
    /// A mask without any padding is dropped, as HF's SDPA path does (<c>_prepare_4d_attention_mask_for_sdpa</c>
    /// returns None when every token attends): adding a zero bias changes nothing but costs a bias tensor per forward
    /// and keeps the fused kernel off its unmasked path, which is what a single unpadded request (batch 1) always is.
    /// </summary>
    public static AttentionMasks FromPaddingMask(Tensor? attentionMask, ScalarType dtype)
    {
        if (attentionMask is null) return new AttentionMasks(null, null);
        if (InferenceFastPath.Enabled && IsAllOnes(attentionMask)) return new AttentionMasks(null, null);
        long batch = attentionMask.shape[0], seq = attentionMask.shape[1];
        var masked = attentionMask.eq(0).view(batch, 1, 1, seq);
        var bias = zeros(batch, 1, 1, seq, dtype: dtype, device: attentionMask.device)
            .masked_fill(masked, AttentionKernel.MaskValue(dtype));
        return new AttentionMasks(bias, masked);
    }

    private static bool IsAllOnes(Tensor attentionMask)
    {
        using var min = attentionMask.min();
        return min.item<long>() != 0;
    }
}

/// <summary>
/// Scaled dot-product attention over already projected queries, keys and values. DistilBERT and BERT differ only in
/// the names of their projection layers, so both call this one kernel.
/// </summary>
internal static class AttentionKernel
{
    /// <summary>[batch, seq, heads·headDim] → [batch, heads, seq, headDim].</summary>
    public static Tensor SplitHeads(Tensor t, int heads, int headDim) =>
        t.view(t.shape[0], t.shape[1], heads, headDim).transpose(1, 2);

    /// <summary>
    /// Attention of <paramref name="q"/> over <paramref name="k"/>/<paramref name="v"/> (each [batch, heads, seq, headDim]);
    /// returns the context merged back to [batch, seq, heads·headDim]. <paramref name="weights"/> is set only when
    /// <paramref name="outputAttentions"/> asks for it (eager path); otherwise the fused kernel runs with
    /// <paramref name="dropoutP"/> (pass 0 in eval mode), while the eager path applies <paramref name="dropout"/>.
    /// </summary>
    public static Tensor Attend(Tensor q, Tensor k, Tensor v, AttentionMasks masks, double dropoutP, Dropout dropout, bool outputAttentions, out Tensor? weights)
    {
        long batch = q.shape[0], heads = q.shape[1], seq = q.shape[2], headDim = q.shape[3];
        Tensor context;
        if (!outputAttentions)
        {
            // Fused kernel (much faster on CPU). The additive bias holds finfo.min at padded keys, which is what HF's
            // masked_fill produces: score + finfo.min rounds to finfo.min, so even a fully padded row stays uniform.
            context = nn.functional.scaled_dot_product_attention(q, k, v, MixedPrecision.BiasFor(masks.AdditiveBias, q.dtype), dropoutP);
            weights = null;
        }
        else
        {
            // Eager path, step for step as HF writes it, because the caller wants the attention probabilities.
            // Autocast runs softmax in fp32: bf16 projections (mixed precision) come back to the mask's dtype here.
            if (masks.AdditiveBias is { } bias && q.dtype != bias.dtype) (q, k, v) = (q.to(bias.dtype), k.to(bias.dtype), v.to(bias.dtype));
            q = q / Math.Sqrt(headDim);
            var scores = q.matmul(k.transpose(2, 3));
            if (masks.Masked is not null)
                scores = scores.masked_fill(masks.Masked, MaskValue(scores.dtype));
            weights = dropout.call(scores.softmax(-1));
            context = weights.matmul(v);
        }
        return context.transpose(1, 2).reshape(batch, seq, heads * headDim);
    }

    /// <summary>The fill value for padded keys: the dtype's most negative finite number (HF's <c>torch.finfo(dtype).min</c>).</summary>
    public static Scalar MaskValue(ScalarType dtype) => finfo(dtype).min;
}
