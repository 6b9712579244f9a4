using TorchSharp;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// One batch of model inputs, as a data collator produces them. All id tensors are int64 of shape [batch, seq].
/// </summary>
/// <remarks>
/// Mask convention (one for the whole library): <see cref="AttentionMask"/> holds 1 for tokens to attend to and 0 for
/// padding, exactly like HF <c>transformers</c>. Models convert it once, internally, to whatever their attention needs.
/// </remarks>
/// <param name="InputIds">Token ids, int64 [batch, seq].</param>
/// <param name="AttentionMask">1 = attend, 0 = padding; int64 [batch, seq]. Null means attend to everything.</param>
/// <param name="TokenTypeIds">Segment ids for BERT-style models; ignored by DistilBERT.</param>
/// <param name="Labels">Targets; when present the model also returns a loss.</param>
public sealed record ModelInputs(
    torch.Tensor InputIds,
    torch.Tensor? AttentionMask = null,
    torch.Tensor? TokenTypeIds = null,
    torch.Tensor? Labels = null)
{
    /// <summary>Return the embeddings output and every layer's output (HF's <c>output_hidden_states</c>).</summary>
    public bool OutputHiddenStates { get; init; }

    /// <summary>Return every layer's attention weights (HF's <c>output_attentions</c>); uses the slower eager attention path.</summary>
    public bool OutputAttentions { get; init; }
}
