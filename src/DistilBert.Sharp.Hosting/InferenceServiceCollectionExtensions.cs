using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Inference.Batching;
using DistilBert.Sharp.Inference.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// The conventional namespace for IServiceCollection extensions, so they show up without an extra using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers DistilBert.Sharp models as shared, thread-safe, dynamically batched services.</summary>
public static class InferenceServiceCollectionExtensions
{
    /// <summary>
    /// Registers a text classifier loaded from <see cref="DistilBert.Sharp.Hosting.InferenceServiceOptions.ModelPath"/>:
    /// <see cref="BatchingTextClassifier"/> (what callers use), <see cref="ITextClassifier"/> (the engine) and
    /// <see cref="DistilBert.Sharp.Hosting.TextClassifierInfo"/>, all singletons. Options are validated when the host starts;
    /// the model is loaded (and warmed up) at start, and queued requests are drained at stop.
    /// </summary>
    public static IServiceCollection AddTextClassifier(this IServiceCollection services, Action<DistilBert.Sharp.Hosting.TextClassifierOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddTextClassifierCore(builder => builder.Configure(configure));
    }

    /// <summary>As <see cref="AddTextClassifier(IServiceCollection, Action{DistilBert.Sharp.Hosting.TextClassifierOptions})"/>, with options bound from a configuration section.</summary>
    public static IServiceCollection AddTextClassifier(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return services.AddTextClassifierCore(builder => builder.Bind(section));
    }

    /// <summary>
    /// Registers a sentence-embedding model loaded from <see cref="DistilBert.Sharp.Hosting.InferenceServiceOptions.ModelPath"/>:
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of string / <see cref="Embedding{T}"/> of float and
    /// <see cref="BatchingEmbeddingGenerator"/> (the same instance, thread-safe and batched), <see cref="ITextEmbedder"/>
    /// (the engine) and <see cref="DistilBert.Sharp.Hosting.SentenceEmbeddingsInfo"/>, all singletons.
    /// </summary>
    public static IServiceCollection AddSentenceEmbeddings(this IServiceCollection services, Action<DistilBert.Sharp.Hosting.SentenceEmbeddingsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddSentenceEmbeddingsCore(builder => builder.Configure(configure));
    }

    /// <summary>As <see cref="AddSentenceEmbeddings(IServiceCollection, Action{DistilBert.Sharp.Hosting.SentenceEmbeddingsOptions})"/>, with options bound from a configuration section.</summary>
    public static IServiceCollection AddSentenceEmbeddings(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return services.AddSentenceEmbeddingsCore(builder => builder.Bind(section));
    }

    private static IServiceCollection AddTextClassifierCore(this IServiceCollection services,
        Action<OptionsBuilder<DistilBert.Sharp.Hosting.TextClassifierOptions>> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        configure(services.AddOptions<DistilBert.Sharp.Hosting.TextClassifierOptions>());
        services.AddOptions<DistilBert.Sharp.Hosting.TextClassifierOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DistilBert.Sharp.Hosting.TextClassifierOptions>,
            DistilBert.Sharp.Hosting.InferenceOptionsValidator<DistilBert.Sharp.Hosting.TextClassifierOptions>>());
        services.TryAddSingleton(sp => new DistilBert.Sharp.Hosting.OwnedTextClassifier(
            sp.GetRequiredService<IOptions<DistilBert.Sharp.Hosting.TextClassifierOptions>>().Value));
        services.TryAddSingleton<ITextClassifier>(sp => sp.GetRequiredService<DistilBert.Sharp.Hosting.OwnedTextClassifier>());
        services.TryAddSingleton(sp => sp.GetRequiredService<DistilBert.Sharp.Hosting.OwnedTextClassifier>().Info);
        services.TryAddSingleton(sp => new BatchingTextClassifier(sp.GetRequiredService<ITextClassifier>(),
            sp.GetRequiredService<IOptions<DistilBert.Sharp.Hosting.TextClassifierOptions>>().Value
                .ToBatchingOptions("classify", sp.GetRequiredService<DistilBert.Sharp.Hosting.TextClassifierInfo>().MaxInputLength)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DistilBert.Sharp.Hosting.InferenceLifetimeService>());
        return services;
    }

    private static IServiceCollection AddSentenceEmbeddingsCore(this IServiceCollection services,
        Action<OptionsBuilder<DistilBert.Sharp.Hosting.SentenceEmbeddingsOptions>> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        configure(services.AddOptions<DistilBert.Sharp.Hosting.SentenceEmbeddingsOptions>());
        services.AddOptions<DistilBert.Sharp.Hosting.SentenceEmbeddingsOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DistilBert.Sharp.Hosting.SentenceEmbeddingsOptions>,
            DistilBert.Sharp.Hosting.InferenceOptionsValidator<DistilBert.Sharp.Hosting.SentenceEmbeddingsOptions>>());
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DistilBert.Sharp.Hosting.SentenceEmbeddingsOptions>>().Value;
            return SentenceEmbeddingPipeline.FromPretrained(options.ModelPath, new SentenceEmbeddingOptions
            {
                BatchSize = options.MaxBatchSize, MaxLength = options.MaxLength, Pooling = options.Pooling, Normalize = options.Normalize,
            });
        });
        services.TryAddSingleton<ITextEmbedder>(sp => sp.GetRequiredService<SentenceEmbeddingPipeline>());
        services.TryAddSingleton(sp => new DistilBert.Sharp.Hosting.SentenceEmbeddingsInfo(
            sp.GetRequiredService<IOptions<DistilBert.Sharp.Hosting.SentenceEmbeddingsOptions>>().Value.ModelPath,
            sp.GetRequiredService<SentenceEmbeddingPipeline>(),
            sp.GetRequiredService<IOptions<DistilBert.Sharp.Hosting.SentenceEmbeddingsOptions>>().Value.MaxBatchSize));
        services.TryAddSingleton(sp =>
        {
            var info = sp.GetRequiredService<DistilBert.Sharp.Hosting.SentenceEmbeddingsInfo>();
            var options = sp.GetRequiredService<IOptions<DistilBert.Sharp.Hosting.SentenceEmbeddingsOptions>>().Value;
            return new BatchingEmbeddingGenerator(sp.GetRequiredService<ITextEmbedder>(), options.ToBatchingOptions("embed", info.MaxInputLength), info.ModelId);
        });
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => sp.GetRequiredService<BatchingEmbeddingGenerator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DistilBert.Sharp.Hosting.InferenceLifetimeService>());
        return services;
    }
}
