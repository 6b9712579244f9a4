using DistilBert.Sharp.Hosting;
using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Inference.Batching;
using DistilBert.Sharp.Inference.Embeddings;
using DistilBert.Sharp.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DistilBert.Sharp.Serving.Tests;

/// <summary>services.AddTextClassifier / AddSentenceEmbeddings: what they register, start-up validation, drain at stop.</summary>
[Collection(TorchRngCollection.Name)]
public sealed class HostingRegistrationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static IHost Build(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        configure(builder.Services);
        return builder.Build();
    }

    [Fact]
    public async Task Registers_shared_batched_services_loads_at_start_and_drains_at_stop()
    {
        string model = TinyImdb.WriteModel(_temp.Combine("tiny"));
        using var host = Build(services => services
            .AddTextClassifier(o => { o.ModelPath = model; o.MaxBatchSize = 8; o.TopK = null; })
            .AddSentenceEmbeddings(o => { o.ModelPath = model; o.Pooling = PoolingMode.Cls; }));
        await host.StartAsync();
        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        Assert.Same(host.Services.GetRequiredService<BatchingEmbeddingGenerator>(), generator);
        var classifier = host.Services.GetRequiredService<BatchingTextClassifier>();
        Assert.Equal(1, classifier.Batcher.ProcessedCount);                   // the warm-up request ran at start
        Assert.Equal(8, classifier.Batcher.Options.MaxBatchSize);
        var info = host.Services.GetRequiredService<SentenceEmbeddingsInfo>();
        Assert.Equal(PoolingMode.Cls, info.Pooling);
        Assert.Equal("tiny", info.ModelId);
        var vectors = await generator.GenerateAsync(["good", "bad"]);
        Assert.Equal(32, vectors[0].Vector.Length);
        Assert.Equal(2, (await classifier.ClassifyAsync("good film")).Count);    // TopK = null: every label
        Assert.Same(host.Services.GetRequiredService<ITextClassifier>(), classifier.Classifier);

        await host.StopAsync();
        Assert.Throws<ObjectDisposedException>(() => { _ = classifier.ClassifyAsync("late"); });
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_at_start_with_a_message_naming_them()
    {
        using var host = Build(services => services.AddTextClassifier(o => { o.ModelPath = _temp.Combine("no-such-model"); o.MaxBatchSize = 0; }));
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("MaxBatchSize = 0", error.Message);
        Assert.Contains("does not exist", error.Message);
    }
}
