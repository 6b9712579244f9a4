namespace DistilBert.Sharp.Inference.Batching;

/// <summary>
/// A thread-safe text classifier for many concurrent callers (a web server's requests): each
/// <see cref="ClassifyAsync"/> joins a dynamic batch (see <see cref="DynamicBatcher{TInput, TOutput}"/>) that runs on
/// one <see cref="ITextClassifier"/> — the TorchSharp <see cref="TextClassificationPipeline"/> or the ONNX pipeline.
/// </summary>
/// <remarks>
/// Texts are grouped by estimated token count (<see cref="DynamicBatchingOptions.EstimateTokens"/>) so a batch pads little. Disposal drains: queued
/// requests finish, new ones fail with <see cref="ObjectDisposedException"/>. The classifier is not disposed (not owned).
/// Give the wrapped pipeline a batch size of at least <see cref="DynamicBatchingOptions.MaxBatchSize"/> so one dynamic
/// batch is one forward pass.
/// </remarks>
public sealed class BatchingTextClassifier : IAsyncDisposable, IDisposable
{
    private readonly DynamicBatcher<string, IReadOnlyList<ClassificationResult>> _batcher;

    /// <summary>Creates the service and its worker.</summary>
    public BatchingTextClassifier(ITextClassifier classifier, DynamicBatchingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        Classifier = classifier;
        _batcher = new DynamicBatcher<string, IReadOnlyList<ClassificationResult>>(
            (texts, ct) => classifier.PredictBatch(texts, cancellationToken: ct),
            options ??= new DynamicBatchingOptions { Name = "classify" },
            options.EstimateTokens);
    }

    /// <summary>The wrapped classifier.</summary>
    public ITextClassifier Classifier { get; }

    /// <summary>The batching core (queue length, batch counts, options).</summary>
    public DynamicBatcher<string, IReadOnlyList<ClassificationResult>> Batcher => _batcher;

    /// <summary>Classifies one text: its labels, best first.</summary>
    /// <exception cref="InferenceOverloadedException">The queue is full.</exception>
    /// <exception cref="ObjectDisposedException">The service is shutting down.</exception>
    public Task<IReadOnlyList<ClassificationResult>> ClassifyAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _batcher.EnqueueAsync(text, cancellationToken);
    }

    /// <summary>Classifies several texts (admitted all or none); the i-th result belongs to the i-th text.</summary>
    /// <exception cref="InferenceOverloadedException">The queue cannot take them all; none is queued.</exception>
    public async Task<IReadOnlyList<IReadOnlyList<ClassificationResult>>> ClassifyBatchAsync(IReadOnlyList<string> texts,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        for (int i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null) throw new ArgumentNullException(nameof(texts), $"Text {i} is null.");
        }
        return await _batcher.EnqueueManyAsync(texts, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops taking requests and finishes the queued ones; past <paramref name="cancellationToken"/>, cancels those still queued.</summary>
    public Task ShutdownAsync(CancellationToken cancellationToken = default) => _batcher.ShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _batcher.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => _batcher.Dispose();
}
