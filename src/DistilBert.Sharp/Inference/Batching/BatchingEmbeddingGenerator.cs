using DistilBert.Sharp.Inference.Embeddings;
using Microsoft.Extensions.AI;

namespace DistilBert.Sharp.Inference.Batching;

/// <summary>
/// A thread-safe <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> for many concurrent callers: every text of every
/// <see cref="GenerateAsync"/> call joins a dynamic batch (see <see cref="DynamicBatcher{TInput, TOutput}"/>) that runs
/// on one <see cref="ITextEmbedder"/> such as <see cref="SentenceEmbeddingPipeline"/>.
/// </summary>
/// <remarks>Disposal drains queued requests; the embedder is not disposed (not owned).</remarks>
public sealed class BatchingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>, IAsyncDisposable
{
    private readonly DynamicBatcher<string, float[]> _batcher;
    private readonly string? _modelId;

    /// <summary>Creates the generator and its worker.</summary>
    /// <param name="embedder">The engine.</param>
    /// <param name="options">Batching options.</param>
    /// <param name="modelId">Reported as <see cref="Embedding.ModelId"/> and in the metadata.</param>
    public BatchingEmbeddingGenerator(ITextEmbedder embedder, DynamicBatchingOptions? options = null, string? modelId = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        Embedder = embedder;
        _modelId = modelId;
        _batcher = new DynamicBatcher<string, float[]>(
            (texts, ct) => embedder.EmbedBatch(texts, ct),
            options ??= new DynamicBatchingOptions { Name = "embed" },
            options.EstimateTokens);
    }

    /// <summary>The wrapped engine.</summary>
    public ITextEmbedder Embedder { get; }

    /// <summary>The batching core (queue length, batch counts, options).</summary>
    public DynamicBatcher<string, float[]> Batcher => _batcher;

    /// <summary>Embeds one text.</summary>
    /// <exception cref="InferenceOverloadedException">The queue is full.</exception>
    public Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _batcher.EnqueueAsync(text, cancellationToken);
    }

    /// <summary>Embeds several texts (admitted all or none); the i-th vector belongs to the i-th text.</summary>
    /// <exception cref="InferenceOverloadedException">The queue cannot take them all; none is queued.</exception>
    public Task<float[][]> EmbedBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        for (int i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null) throw new ArgumentNullException(nameof(texts), $"Text {i} is null.");
        }
        return _batcher.EnqueueManyAsync(texts, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">Dimensions other than the model's were requested.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        EmbeddingResults.CheckDimensions(options, Embedder.Dimension);
        var vectors = await EmbedBatchAsync(values as IReadOnlyList<string> ?? values.ToList(), cancellationToken).ConfigureAwait(false);
        return EmbeddingResults.ToGenerated(vectors, options?.ModelId ?? _modelId);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata))
            return new EmbeddingGeneratorMetadata(EmbeddingResults.ProviderName, defaultModelId: _modelId, defaultModelDimensions: Embedder.Dimension);
        if (serviceType.IsInstanceOfType(this)) return this;
        return serviceType.IsInstanceOfType(Embedder) ? Embedder : null;
    }

    /// <summary>Stops taking requests and finishes the queued ones; past <paramref name="cancellationToken"/>, cancels those still queued.</summary>
    public Task ShutdownAsync(CancellationToken cancellationToken = default) => _batcher.ShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _batcher.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => _batcher.Dispose();
}
