using Microsoft.Extensions.Logging;

namespace DistilBert.Sharp.Weights;

/// <summary>How <see cref="StateDictLoader"/> maps checkpoint keys onto a model and which differences it tolerates.</summary>
public sealed record StateDictLoadOptions
{
    /// <summary>
    /// Legacy buffers older checkpoints store but current models do not (HF's <c>position_ids</c> buffers); matched
    /// with <see cref="System.Text.RegularExpressions.Regex.IsMatch(string, string)"/>.
    /// </summary>
    public static readonly IReadOnlyList<string> LegacyBufferPatterns = [@"(^|\.)position_ids$"];

    /// <summary>
    /// The name of the base model inside task models (HF's <c>base_model_prefix</c>, e.g. <c>"distilbert"</c>). When
    /// set, a checkpoint without the prefix loads into a model whose keys have it (the head stays missing), and a
    /// checkpoint with it loads into a model without it (the head weights become unexpected).
    /// </summary>
    public string? BasePrefix { get; init; }

    /// <summary>When true, any missing or unexpected key throws <see cref="StateDictMismatchException"/> before anything is loaded.</summary>
    public bool Strict { get; init; }

    /// <summary>
    /// Regex patterns of model keys that may be absent from the checkpoint without being reported missing (HF's
    /// <c>_keys_to_ignore_on_load_missing</c>). Parameters tied to a loaded parameter are recognised automatically.
    /// </summary>
    public IReadOnlyList<string> AllowedMissingKeys { get; init; } = [];

    /// <summary>
    /// Regex patterns of checkpoint keys to skip silently (HF's <c>_keys_to_ignore_on_load_unexpected</c>); defaults to
    /// <see cref="LegacyBufferPatterns"/>.
    /// </summary>
    public IReadOnlyList<string> IgnoredUnexpectedKeys { get; init; } = LegacyBufferPatterns;

    /// <summary>Receives HF-style warnings about newly initialised and unused weights; null for none.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>The model's name in messages (default: its .NET type name, e.g. <c>DistilBertForSequenceClassification</c>).</summary>
    public string? ModelName { get; init; }

    /// <summary>The checkpoint's name in messages, e.g. a Hub id (default: the checkpoint path).</summary>
    public string? CheckpointName { get; init; }
}
