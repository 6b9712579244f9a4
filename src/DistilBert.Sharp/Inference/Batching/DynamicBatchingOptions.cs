namespace DistilBert.Sharp.Inference.Batching;

/// <summary>How a <see cref="DynamicBatcher{TInput, TOutput}"/> gathers concurrent requests into batches.</summary>
public sealed record DynamicBatchingOptions
{
    /// <summary>Most requests per model call (default 32). 1 turns dynamic batching off (one request per call).</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>
    /// How long an idle worker waits for more requests after the first one arrives before it runs a partial batch
    /// (default 2 ms). While the model is busy, requests gather anyway and the next batch takes them at once.
    /// </summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// Most requests waiting for the model (default 1024). A request that would exceed it fails at once with
    /// <see cref="InferenceOverloadedException"/>, so memory stays bounded under overload.
    /// </summary>
    public int QueueCapacity { get; init; } = 1024;

    /// <summary>
    /// Length-aware grouping: up to this many batches' worth of waiting requests (default 4) are sorted by length and
    /// cut into batches, so short texts are not padded to the length of long ones. All of them run before new
    /// requests are taken, so no request waits behind later ones for more than this window.
    /// </summary>
    public int GroupingWindow { get; init; } = 4;

    /// <summary>
    /// The fixed cost of one model call, in texts of mean length (default 2), for length-aware grouping: waiting
    /// requests are cut into the batches that minimise padded length plus this overhead per call. Larger values favour
    /// fewer, fuller batches; 0 gives one call per distinct length.
    /// </summary>
    public double CallOverheadInTexts { get; init; } = 2;

    /// <summary>
    /// Most padded tokens per model call (TEI's <c>max_batch_tokens</c>), in the units of the batcher's length function;
    /// null = no limit. On CPUs a batch whose activations outgrow the caches runs slower per text than small ones:
    /// on the 2-core AVX-512 machine here, 32 IMDb reviews of 128 tokens in one call took longer than 32 single calls.
    /// A request longer than the budget still runs, alone.
    /// </summary>
    public int? MaxBatchTokens { get; init; }

    /// <summary>
    /// The model's token limit (texts are truncated to it), for the length estimate of text services: a text counts
    /// as min(chars / 4 + 2, this) tokens, so texts truncated to the same length group together. Null = no cap.
    /// </summary>
    public int? MaxInputTokens { get; init; }

    /// <summary>Name reported in metrics (tag <c>batcher</c>) and messages, e.g. "classify" or "embed".</summary>
    public string Name { get; init; } = "batcher";

    /// <summary>
    /// A text's estimated token count for grouping: about four chars per token for English WordPiece, plus [CLS] and
    /// [SEP], capped at <see cref="MaxInputTokens"/>. Cheap (no tokenization on the callers' threads); only the order
    /// and rough ratios matter.
    /// </summary>
    public int EstimateTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int estimate = text.Length / 4 + 2;
        return MaxInputTokens is int cap ? Math.Min(estimate, cap) : estimate;
    }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (MaxBatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "MaxBatchSize must be positive.");
        if (MaxDelay < TimeSpan.Zero || MaxDelay > TimeSpan.FromSeconds(10))
            throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "MaxDelay must be in [0, 10 s].");
        if (QueueCapacity <= 0) throw new ArgumentOutOfRangeException(nameof(QueueCapacity), QueueCapacity, "QueueCapacity must be positive.");
        if (!(CallOverheadInTexts >= 0)) throw new ArgumentOutOfRangeException(nameof(CallOverheadInTexts), CallOverheadInTexts, "CallOverheadInTexts must be zero or positive.");
        if (MaxBatchTokens is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxBatchTokens), MaxBatchTokens, "MaxBatchTokens must be positive when set.");
        if (MaxInputTokens is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxInputTokens), MaxInputTokens, "MaxInputTokens must be positive when set.");
        if (GroupingWindow <= 0) throw new ArgumentOutOfRangeException(nameof(GroupingWindow), GroupingWindow, "GroupingWindow must be positive.");
        ArgumentException.ThrowIfNullOrWhiteSpace(Name);
    }
}
