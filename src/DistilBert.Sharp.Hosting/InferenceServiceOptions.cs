using DistilBert.Sharp.Inference.Batching;

namespace DistilBert.Sharp.Hosting;

/// <summary>What every hosted model needs: where it is, and how requests are batched. Bound from configuration.</summary>
public abstract class InferenceServiceOptions
{
    /// <summary>Local model folder (HF layout: config.json, weights, tokenizer files) or Hub id. Required.</summary>
    public string ModelPath { get; set; } = "";

    /// <summary>Truncate texts to this many tokens including [CLS]/[SEP]; null = the model's own limit.</summary>
    public int? MaxLength { get; set; }

    /// <summary>Most requests per model call (default 32); 1 turns dynamic batching off.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>
    /// Most padded tokens per model call (TEI's <c>max_batch_tokens</c>); null = no limit. Default 512, sized for CPUs,
    /// where a batch whose activations outgrow the caches runs slower per text: on the 2-core machine here it keeps
    /// IMDb-length batches at 4 × 128 tokens, while 1024 or no limit made batching slower than batch-1 serving.
    /// </summary>
    public int? MaxBatchTokens { get; set; } = 512;

    /// <summary>How long an idle worker waits for a batch to fill (default 2 ms).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Most requests waiting; beyond it requests fail with <see cref="InferenceOverloadedException"/> (default 1024).</summary>
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>Run one request at start-up so the first real request does not pay for lazy initialisation (default true).</summary>
    public bool WarmUp { get; set; } = true;

    internal DynamicBatchingOptions ToBatchingOptions(string name, int maxInputTokens) => new()
    {
        MaxBatchSize = MaxBatchSize, MaxDelay = MaxDelay, QueueCapacity = QueueCapacity, Name = name, MaxInputTokens = maxInputTokens,
        MaxBatchTokens = MaxBatchTokens,
    };

    internal IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(ModelPath)) yield return "ModelPath is required.";
        if (MaxLength is < 2) yield return $"MaxLength = {MaxLength} must be at least 2.";
        if (MaxBatchSize < 1) yield return $"MaxBatchSize = {MaxBatchSize} must be at least 1.";
        if (MaxDelay < TimeSpan.Zero || MaxDelay > TimeSpan.FromSeconds(10)) yield return $"MaxDelay = {MaxDelay} must be in [0, 10 s].";
        if (MaxBatchTokens is < 1) yield return $"MaxBatchTokens = {MaxBatchTokens} must be at least 1.";
        if (QueueCapacity < 1) yield return $"QueueCapacity = {QueueCapacity} must be at least 1.";
    }
}

/// <summary>Options of <c>services.AddTextClassifier(...)</c>.</summary>
public sealed class TextClassifierOptions : InferenceServiceOptions
{
    /// <summary>Labels returned per text, best first; null (default) returns every label, as TEI's <c>raw_scores</c>/<c>/predict</c> does.</summary>
    public int? TopK { get; set; }
}

/// <summary>Options of <c>services.AddSentenceEmbeddings(...)</c>.</summary>
public sealed class SentenceEmbeddingsOptions : InferenceServiceOptions
{
    /// <summary>Pooling; null = the model folder's sentence-transformers files, else mean.</summary>
    public Inference.Embeddings.PoolingMode? Pooling { get; set; }

    /// <summary>L2-normalise; null = the model folder's <c>modules.json</c>, else true.</summary>
    public bool? Normalize { get; set; }
}
