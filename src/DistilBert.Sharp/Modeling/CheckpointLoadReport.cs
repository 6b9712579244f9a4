namespace DistilBert.Sharp.Modeling;

/// <summary>
/// The outcome of loading a checkpoint into a model (HF's <c>output_loading_info</c>): weights the model needed but the
/// checkpoint lacked (left at their random initialisation) and checkpoint weights the model did not use.
/// </summary>
/// <param name="Source">The checkpoint file that was read.</param>
/// <param name="MissingKeys">Model parameters absent from the checkpoint; they keep HF's random initialisation.</param>
/// <param name="UnexpectedKeys">Checkpoint tensors the model has no parameter for (ignored).</param>
public sealed record CheckpointLoadReport(string Source, IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys)
{
    /// <summary>The weights that were newly initialised instead of loaded (HF logs these as "newly initialized").</summary>
    public IReadOnlyList<string> NewlyInitialized => MissingKeys;

    /// <summary>True when every parameter was loaded and every checkpoint tensor used.</summary>
    public bool IsExact => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0;
}
