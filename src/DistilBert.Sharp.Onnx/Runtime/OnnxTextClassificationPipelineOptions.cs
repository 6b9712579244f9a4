using DistilBert.Sharp.Inference;

namespace DistilBert.Sharp.Onnx;

/// <summary>Options of <see cref="OnnxTextClassificationPipeline"/> (those of <c>TextClassificationPipelineOptions</c>, minus the torch device).</summary>
public sealed record OnnxTextClassificationPipelineOptions
{
    /// <summary>Texts per forward pass (default 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Truncate texts to this many tokens including [CLS]/[SEP]; default the tokenizer's <c>model_max_length</c>.</summary>
    public int? MaxLength { get; init; }

    /// <summary>How many labels to return per text, best first (default 1; null returns every label).</summary>
    public int? TopK { get; init; } = 1;

    /// <summary>How logits become scores.</summary>
    public ScoreFunction ScoreFunction { get; init; } = ScoreFunction.Default;

    /// <summary>ONNX Runtime intra-op threads (null: ORT's default, one per physical core).</summary>
    public int? IntraOpNumThreads { get; init; }
}
