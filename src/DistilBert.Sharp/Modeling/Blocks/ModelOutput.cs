using TorchSharp;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// What a model's forward returns (HF's <c>BaseModelOutput</c> / <c>SequenceClassifierOutput</c> / <c>MaskedLMOutput</c>
/// folded into one immutable record). Fields a model does not produce are null.
/// </summary>
public record ModelOutput
{
    /// <summary>Scalar loss, present when labels were given to a head model.</summary>
    public torch.Tensor? Loss { get; init; }

    /// <summary>Head output: [batch, num_labels] for sequence classification, [batch, seq, vocab] for masked LM, ….</summary>
    public torch.Tensor? Logits { get; init; }

    /// <summary>Encoder output [batch, seq, dim]; set by base models.</summary>
    public torch.Tensor? LastHiddenState { get; init; }

    /// <summary>The pooled first-token representation [batch, hidden] of BERT-style encoders (HF's <c>pooler_output</c>); null for DistilBERT.</summary>
    public torch.Tensor? PoolerOutput { get; init; }

    /// <summary>Embeddings output followed by each layer's output, when requested.</summary>
    public IReadOnlyList<torch.Tensor>? HiddenStates { get; init; }

    /// <summary>Each layer's attention weights [batch, heads, seq, seq], when requested.</summary>
    public IReadOnlyList<torch.Tensor>? Attentions { get; init; }
}
