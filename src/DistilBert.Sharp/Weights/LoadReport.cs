namespace DistilBert.Sharp.Weights;

/// <summary>What <see cref="StateDictLoader.Load(TorchSharp.torch.nn.Module, CheckpointReader, StateDictLoadOptions?)"/> did, key by key (model key names).</summary>
public sealed record LoadReport
{
    /// <summary>Model keys filled from the checkpoint.</summary>
    public required IReadOnlyList<string> LoadedKeys { get; init; }

    /// <summary>Model keys the checkpoint lacks, left as initialised (HF's <c>missing_keys</c>).</summary>
    public required IReadOnlyList<string> MissingKeys { get; init; }

    /// <summary>Checkpoint keys that match nothing in the model (HF's <c>unexpected_keys</c>).</summary>
    public required IReadOnlyList<string> UnexpectedKeys { get; init; }

    /// <summary>Checkpoint keys skipped on purpose: legacy buffers, non-persistent buffers, ignore patterns.</summary>
    public required IReadOnlyList<string> IgnoredKeys { get; init; }

    /// <summary>Model keys absent from the checkpoint but not missing: tied to a loaded parameter, or allowed by the options.</summary>
    public required IReadOnlyList<string> TiedOrAllowedMissingKeys { get; init; }

    /// <summary>True when the prefix was stripped from model keys (a base checkpoint loaded into a model with a head).</summary>
    public bool RemovedPrefixFromModel { get; init; }

    /// <summary>True when the prefix was added to model keys (a task checkpoint loaded into a base model).</summary>
    public bool AddedPrefixToModel { get; init; }
}
