using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>Packs an encoder's tensors into a <see cref="ModelOutput"/>, moving each out of the forward's dispose scope exactly once.</summary>
internal static class EncoderResults
{
    public static ModelOutput Lift(Tensor lastHidden, List<Tensor>? hiddenStates, List<Tensor>? attentions, Tensor? pooled = null)
    {
        // The last hidden state is also the last entry of HiddenStates: move it out once, since a second
        // MoveToOuterDisposeScope would lift it past the caller's scope and leak it.
        lastHidden.MoveToOuterDisposeScope();
        return new ModelOutput
        {
            LastHiddenState = lastHidden,
            PoolerOutput = pooled?.MoveToOuterDisposeScope(),
            HiddenStates = hiddenStates?.Select(t => ReferenceEquals(t, lastHidden) ? t : t.MoveToOuterDisposeScope()).ToArray(),
            Attentions = attentions?.Select(t => t.MoveToOuterDisposeScope()).ToArray(),
        };
    }

    /// <summary>A head's result: its loss and logits plus the encoder's hidden states and attentions, all moved out of the head's scope.</summary>
    public static ModelOutput LiftHead(Tensor? loss, Tensor logits, ModelOutput encoded) => new()
    {
        Loss = loss?.MoveToOuterDisposeScope(),
        Logits = logits.MoveToOuterDisposeScope(),
        HiddenStates = encoded.HiddenStates?.Select(t => t.MoveToOuterDisposeScope()).ToArray(),
        Attentions = encoded.Attentions?.Select(t => t.MoveToOuterDisposeScope()).ToArray(),
    };
}
