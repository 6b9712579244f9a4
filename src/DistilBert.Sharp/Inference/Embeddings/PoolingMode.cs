namespace DistilBert.Sharp.Inference.Embeddings;

/// <summary>
/// How token vectors become one sentence vector (sentence-transformers' <c>Pooling</c> module). Several modes may be
/// combined: their vectors are concatenated in sentence-transformers' order (CLS, max, mean, mean/sqrt(len)).
/// </summary>
[Flags]
public enum PoolingMode
{
    /// <summary>The first token's vector (<c>pooling_mode_cls_token</c>).</summary>
    Cls = 1,
    /// <summary>Per dimension, the maximum over the non-padding tokens (<c>pooling_mode_max_tokens</c>).</summary>
    Max = 2,
    /// <summary>The mean over the non-padding tokens (<c>pooling_mode_mean_tokens</c>, all-MiniLM-L6-v2's pooling).</summary>
    Mean = 4,
    /// <summary>The sum over the non-padding tokens divided by the square root of their count (<c>pooling_mode_mean_sqrt_len_tokens</c>).</summary>
    MeanSqrtLength = 8,
}
