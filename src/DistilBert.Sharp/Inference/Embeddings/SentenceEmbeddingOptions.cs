using TorchSharp;

namespace DistilBert.Sharp.Inference.Embeddings;

/// <summary>
/// Options of <see cref="SentenceEmbeddingPipeline"/>. Every null setting comes from the model folder's
/// sentence-transformers files (<c>modules.json</c>, <c>1_Pooling/config.json</c>, <c>sentence_bert_config.json</c>),
/// or, when the folder has none, from the defaults of all-MiniLM-L6-v2 style models (mean pooling, L2 normalisation).
/// </summary>
public sealed record SentenceEmbeddingOptions
{
    /// <summary>Texts per forward pass (default 32). Texts are sorted by length first, so a batch pads little.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Pooling; null = the folder's <c>1_Pooling/config.json</c>, else <see cref="PoolingMode.Mean"/>.</summary>
    public PoolingMode? Pooling { get; init; }

    /// <summary>L2-normalise each vector; null = whether <c>modules.json</c> lists a <c>Normalize</c> module (true without <c>modules.json</c>).</summary>
    public bool? Normalize { get; init; }

    /// <summary>
    /// Truncate texts to this many tokens including [CLS]/[SEP]; null = <c>sentence_bert_config.json</c>'s
    /// <c>max_seq_length</c>, else the tokenizer's <c>model_max_length</c>, capped by the model's position table.
    /// </summary>
    public int? MaxLength { get; init; }

    /// <summary>Lower-case texts before tokenizing (sentence-transformers' <c>do_lower_case</c>); null = <c>sentence_bert_config.json</c>, else false.</summary>
    public bool? DoLowerCase { get; init; }

    /// <summary>Device of the model; default: the device of the model's first parameter.</summary>
    public torch.Device? Device { get; init; }
}
