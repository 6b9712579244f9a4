using TorchSharp;

namespace DistilBert.Sharp.Inference;

/// <summary>Options of <see cref="TextClassificationPipeline"/>.</summary>
public sealed record TextClassificationPipelineOptions
{
    /// <summary>Texts per forward pass (default 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Truncate texts to this many tokens including [CLS]/[SEP]; default the tokenizer's <c>model_max_length</c>.</summary>
    public int? MaxLength { get; init; }

    /// <summary>How many labels to return per text, best first (default 1; null returns every label, best first, like HF's <c>top_k=None</c>).</summary>
    public int? TopK { get; init; } = 1;

    /// <summary>How logits become scores.</summary>
    public ScoreFunction ScoreFunction { get; init; } = ScoreFunction.Default;

    /// <summary>Device of the model; default: the device of the model's first parameter.</summary>
    public torch.Device? Device { get; init; }
}
