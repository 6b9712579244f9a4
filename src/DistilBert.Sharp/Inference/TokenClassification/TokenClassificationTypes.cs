using TorchSharp;

namespace DistilBert.Sharp.Inference;

/// <summary>How token predictions are merged into entities (HF's <c>aggregation_strategy</c>).</summary>
public enum AggregationStrategy
{
    /// <summary>One result per token, labelled with its arg-max label (HF <c>"none"</c>).</summary>
    None,
    /// <summary>Adjacent tokens with the same entity type (a B- starts a new one) are grouped; score = mean (HF <c>"simple"</c>).</summary>
    Simple,
    /// <summary>Words first take the label of their first sub-token, then words are grouped as in Simple (HF <c>"first"</c>).</summary>
    First,
    /// <summary>Words take the arg-max of their sub-tokens' mean scores, then are grouped (HF <c>"average"</c>).</summary>
    Average,
    /// <summary>Words take the label of their most confident sub-token, then are grouped (HF <c>"max"</c>).</summary>
    Max,
}

/// <summary>
/// One result of <see cref="TokenClassificationPipeline"/> (HF's dict): with <see cref="AggregationStrategy.None"/> a
/// token (<c>entity</c>, <c>index</c>), otherwise an entity group (<c>entity_group</c>, <see cref="Index"/> null).
/// </summary>
/// <param name="Entity">Label (aggregation none) or entity type without the B-/I- prefix (grouped).</param>
/// <param name="Score">Softmax probability of the label (mean over the group when grouped).</param>
/// <param name="Word">The token, or the group's tokens joined back into text (lowercased when the tokenizer lowercases).</param>
/// <param name="Start">First UTF-16 char of the token or group in the input text.</param>
/// <param name="End">One past its last char.</param>
/// <param name="Index">Token position in the model input ([CLS] = 0), aggregation none only.</param>
public sealed record TokenClassificationResult(string Entity, float Score, string Word, int Start, int End, int? Index = null);

/// <summary>Options of <see cref="TokenClassificationPipeline"/>.</summary>
public sealed record TokenClassificationPipelineOptions
{
    /// <summary>Merging of token predictions; default <see cref="AggregationStrategy.None"/>, HF's default.</summary>
    public AggregationStrategy AggregationStrategy { get; init; }

    /// <summary>Labels (or groups) left out of the results; default <c>["O"]</c>, as in HF.</summary>
    public IReadOnlyList<string> IgnoreLabels { get; init; } = ["O"];

    /// <summary>Texts per forward pass (default 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Truncate texts to this many tokens including [CLS]/[SEP]; default the tokenizer's <c>model_max_length</c>.</summary>
    public int? MaxLength { get; init; }

    /// <summary>
    /// Tag all of a long text (HF <c>stride</c>): it is cut into windows of <see cref="MaxLength"/> tokens overlapping by
    /// this many tokens, each window is tagged and aggregated, and entities that overlap across windows are merged
    /// (the longer one, then the higher score, wins). Needs an aggregation strategy other than None, as in HF.
    /// Null (default): texts are truncated.
    /// </summary>
    public int? Stride { get; init; }

    /// <summary>Device of the model; default: the device of the model's first parameter.</summary>
    public torch.Device? Device { get; init; }
}
