using Microsoft.Extensions.AI;

namespace DistilBert.Sharp.Inference.Embeddings;

public sealed partial class SentenceEmbeddingPipeline
{
    /// <summary>
    /// Microsoft.Extensions.AI: embeds <paramref name="values"/> (synchronously, on the calling thread; the returned
    /// task is complete). <see cref="EmbeddingGenerationOptions.Dimensions"/>, when set, must equal <see cref="Dimension"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">Other dimensions were requested.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        EmbeddingResults.CheckDimensions(options, Dimension);
        var texts = values as IReadOnlyList<string> ?? values.ToList();
        var vectors = EmbedBatch(texts, cancellationToken);
        return Task.FromResult(EmbeddingResults.ToGenerated(vectors, _modelId));
    }

    /// <summary>Microsoft.Extensions.AI: the metadata (provider, model id, dimension), or this pipeline for its own type.</summary>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata))
            return new EmbeddingGeneratorMetadata(EmbeddingResults.ProviderName, defaultModelId: _modelId, defaultModelDimensions: Dimension);
        return serviceType.IsInstanceOfType(this) ? this : null;
    }
}
