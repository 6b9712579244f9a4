using DistilBert.Sharp.Inference.Batching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DistilBert.Sharp.Hosting;

/// <summary>
/// Loads the registered models when the host starts (so a bad model folder stops the host at once, not at the first
/// request) and runs one warm-up request each; when the host stops, stops taking requests and finishes the queued
/// ones before the models are disposed (bounded by the host's shutdown timeout, after which queued requests are cancelled).
/// </summary>
internal sealed class InferenceLifetimeService(IServiceProvider services, ILogger<InferenceLifetimeService> logger) : IHostedService
{
    private BatchingTextClassifier? _classifier;
    private BatchingEmbeddingGenerator? _embeddings;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IOptions<TextClassifierOptions>>() is { } classifierOptions
            && !string.IsNullOrEmpty(classifierOptions.Value.ModelPath))
        {
            _classifier = services.GetRequiredService<BatchingTextClassifier>();
            var info = services.GetRequiredService<TextClassifierInfo>();
            logger.LogInformation("Text classifier {ModelId} loaded: {Labels} labels, max {MaxLength} tokens, batches of up to {MaxBatch}",
                info.ModelId, info.Labels.Count, info.MaxInputLength, info.MaxBatchSize);
            if (classifierOptions.Value.WarmUp) await _classifier.ClassifyAsync("warm-up", cancellationToken).ConfigureAwait(false);
        }
        if (services.GetService<IOptions<SentenceEmbeddingsOptions>>() is { } embeddingOptions
            && !string.IsNullOrEmpty(embeddingOptions.Value.ModelPath))
        {
            _embeddings = services.GetRequiredService<BatchingEmbeddingGenerator>();
            var info = services.GetRequiredService<SentenceEmbeddingsInfo>();
            logger.LogInformation("Embedding model {ModelId} loaded: {Dimension} dimensions, {Pooling} pooling, normalize {Normalize}, max {MaxLength} tokens",
                info.ModelId, info.Dimension, info.Pooling, info.Normalize, info.MaxInputLength);
            if (embeddingOptions.Value.WarmUp) await _embeddings.EmbedAsync("warm-up", cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var drains = new List<Task>();
        if (_classifier is not null) drains.Add(_classifier.ShutdownAsync(cancellationToken));
        if (_embeddings is not null) drains.Add(_embeddings.ShutdownAsync(cancellationToken));
        await Task.WhenAll(drains).ConfigureAwait(false);
        logger.LogInformation("Inference queues drained");
    }
}
