using TorchSharp;

namespace DistilBert.Sharp.Inference.Embeddings;

/// <summary>
/// sentence-transformers' <c>Pooling</c> and <c>Normalize</c> modules on a padded batch: padding tokens (mask 0)
/// never count, so a text's vector does not depend on how long the other texts of its batch are.
/// </summary>
internal static class Pooling
{
    /// <summary>Pools <paramref name="hidden"/> [batch, seq, dim] under <paramref name="attentionMask"/> [batch, seq] into [batch, dim × modes].</summary>
    public static torch.Tensor Pool(torch.Tensor hidden, torch.Tensor attentionMask, PoolingMode mode)
    {
        var mask = attentionMask.unsqueeze(-1).to(hidden.dtype);            // [batch, seq, 1]
        var parts = new List<torch.Tensor>();
        // sentence-transformers' concatenation order: cls, max, mean, mean_sqrt_len.
        if (mode.HasFlag(PoolingMode.Cls)) parts.Add(hidden.select(1, 0));
        if (mode.HasFlag(PoolingMode.Max))
        {
            // As sentence-transformers does: padding is set to -1e9 so it never wins the maximum.
            var masked = hidden.masked_fill(mask.eq(0), -1e9);
            parts.Add(masked.max(1).values);
        }
        if (mode.HasFlag(PoolingMode.Mean) || mode.HasFlag(PoolingMode.MeanSqrtLength))
        {
            var sum = (hidden * mask).sum(1);
            var count = mask.sum(1).clamp_min(1e-9);                          // [batch, 1]; the 1e-9 floor is sentence-transformers'
            if (mode.HasFlag(PoolingMode.Mean)) parts.Add(sum / count);
            if (mode.HasFlag(PoolingMode.MeanSqrtLength)) parts.Add(sum / count.sqrt());
        }
        return parts.Count == 1 ? parts[0] : torch.cat(parts, 1);
    }

    /// <summary>L2 normalisation per row (torch's <c>F.normalize(p=2, dim=1)</c>, eps 1e-12, as the <c>Normalize</c> module).</summary>
    public static torch.Tensor Normalize(torch.Tensor pooled) =>
        torch.nn.functional.normalize(pooled, p: 2, dim: 1, eps: 1e-12);

    /// <summary>How many vectors <paramref name="mode"/> concatenates.</summary>
    public static int ModeCount(PoolingMode mode) =>
        Enum.GetValues<PoolingMode>().Count(m => mode.HasFlag(m));
}
