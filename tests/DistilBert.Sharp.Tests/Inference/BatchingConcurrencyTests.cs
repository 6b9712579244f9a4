using System.Collections.Concurrent;
using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Inference.Batching;
using DistilBert.Sharp.Inference.Embeddings;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;

namespace DistilBert.Sharp.Tests.Inference;

/// <summary>Many concurrent callers on the real TorchSharp pipelines (tiny model): every caller gets its own result.</summary>
[Collection(TorchRngCollection.Name)]
public sealed class BatchingConcurrencyTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _temp = new();
    private readonly string _modelDir;
    private readonly string[] _texts;

    public BatchingConcurrencyTests()
    {
        _modelDir = TinyImdb.WriteModel(_temp.Combine("tiny"));
        string[] words = ["good", "bad", "film", "the", "plot", "was", "awful", "loved", "story", "actor"];
        var random = new Random(5);
        _texts = Enumerable.Range(0, 48).Select(i => string.Join(' ', Enumerable.Range(0, 1 + random.Next(30)).Select(_ => words[random.Next(words.Length)]))).ToArray();
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>Passes batches through and remembers each one with its outputs.</summary>
    private sealed class RecordingClassifier(ITextClassifier inner) : ITextClassifier
    {
        public ConcurrentQueue<(string[] Texts, IReadOnlyList<IReadOnlyList<ClassificationResult>> Results)> Batches { get; } = new();

        public IReadOnlyList<IReadOnlyList<ClassificationResult>> PredictBatch(IReadOnlyList<string> texts, IProgress<int>? progress = null,
            CancellationToken cancellationToken = default)
        {
            var results = inner.PredictBatch(texts, progress, cancellationToken);
            Batches.Enqueue((texts.ToArray(), results));
            return results;
        }
    }

    [Fact]
    public async Task Sixty_four_callers_5632_results_each_get_their_own()
    {
        using var model = DistilBertForSequenceClassification.FromPretrained(_modelDir);
        var pipeline = new TextClassificationPipeline(model, TinyImdb.Tokenizer(_modelDir), new TextClassificationPipelineOptions { TopK = null, BatchSize = 64 });
        var single = _texts.ToDictionary(t => t, t => pipeline.Predict(t));
        var recorder = new RecordingClassifier(pipeline);
        await using var service = new BatchingTextClassifier(recorder, new DynamicBatchingOptions { MaxBatchSize = 16, QueueCapacity = 256, Name = "classify" });

        const int callers = 64, perCaller = 80;
        var received = new ConcurrentBag<(string Text, IReadOnlyList<ClassificationResult> Result)>();
        var callerTasks = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            for (int i = 0; i < perCaller; i++)
            {
                if (i % 10 == 9)
                {
                    // The batch variant, sometimes.
                    string[] pair = [_texts[random.Next(_texts.Length)], _texts[random.Next(_texts.Length)]];
                    var results = await service.ClassifyBatchAsync(pair);
                    received.Add((pair[0], results[0]));
                    received.Add((pair[1], results[1]));
                }
                else
                {
                    string text = _texts[random.Next(_texts.Length)];
                    received.Add((text, await service.ClassifyAsync(text)));
                }
            }
        })).ToArray();
        await Task.WhenAll(callerTasks).WaitAsync(Timeout);   // no deadlock

        Assert.Equal(callers * (perCaller + perCaller / 10), received.Count);
        Assert.True(received.Count >= 5000);
        var batches = recorder.Batches.ToArray();
        Assert.True(batches.Average(b => b.Texts.Length) > 2, "concurrent requests were not batched");
        Assert.All(batches, b => Assert.InRange(b.Texts.Length, 1, 16));

        // Where each result came from: the batch and the row that produced it (results are routed by reference).
        var origin = new Dictionary<IReadOnlyList<ClassificationResult>, (int Batch, int Row)>(ReferenceEqualityComparer.Instance);
        for (int b = 0; b < batches.Length; b++)
            for (int r = 0; r < batches[b].Texts.Length; r++) origin[batches[b].Results[r]] = (b, r);

        foreach (var (text, result) in received)
        {
            // Within 1e-5 of the single-request result (padding in a batch changes the last bits only).
            var expected = single[text];
            Assert.Equal(expected.Select(r => r.LabelId), result.Select(r => r.LabelId));
            for (int k = 0; k < expected.Count; k++) Assert.True(Math.Abs(expected[k].Score - result[k].Score) <= 1e-5);
            // And the row of its own text in the batch it ran in.
            var (batch, row) = origin[result];
            Assert.Equal(text, batches[batch].Texts[row]);
        }

        // Bitwise for the same batch composition: rerunning each batch gives exactly what the callers received.
        foreach (var (texts, results) in batches.Take(100))
        {
            var again = pipeline.PredictBatch(texts);
            for (int r = 0; r < texts.Length; r++) Assert.Equal(results[r], again[r]);
        }
        Assert.Equal(0, service.Batcher.QueuedCount);
    }

    [Fact]
    public async Task Concurrent_embedding_callers_get_their_own_vectors_and_cancelled_ones_leave_no_residue()
    {
        using var pipeline = SentenceEmbeddingPipeline.FromPretrained(_modelDir, new SentenceEmbeddingOptions { BatchSize = 64 });
        var single = _texts.ToDictionary(t => t, t => pipeline.Embed(t));
        await using var generator = new BatchingEmbeddingGenerator(pipeline, new DynamicBatchingOptions { MaxBatchSize = 16, Name = "embed" }, "tiny");

        var tasks = Enumerable.Range(0, 64).Select(c => Task.Run(async () =>
        {
            var random = new Random(100 + c);
            for (int i = 0; i < 16; i++)
            {
                string text = _texts[random.Next(_texts.Length)];
                using var cts = new CancellationTokenSource();
                var pending = generator.EmbedAsync(text, cts.Token);
                if (i % 4 == 3)
                {
                    await cts.CancelAsync();   // may win or lose the race with the batch; either outcome is clean
                    try { await pending; } catch (OperationCanceledException) { }
                    continue;
                }
                float[] vector = await pending;
                float[] expected = single[text];
                for (int d = 0; d < expected.Length; d++) Assert.True(Math.Abs(expected[d] - vector[d]) <= 1e-5);
            }
        })).ToArray();
        await Task.WhenAll(tasks).WaitAsync(Timeout);
        // A cancelled request completes at once but keeps its queue place until the worker drops it (so cancel-and-retry
        // loops cannot grow the queue), so the count reaches 0 as soon as the worker has passed over the last ones.
        Assert.True(SpinWait.SpinUntil(() => generator.Batcher.QueuedCount == 0, Timeout),
            $"{generator.Batcher.QueuedCount} requests still counted as queued after every caller finished.");
        Assert.True(generator.Batcher.ProcessedCount <= 64 * 16);
        var all = await generator.GenerateAsync(_texts).WaitAsync(Timeout);   // still serving
        for (int i = 0; i < _texts.Length; i++) Assert.Equal(single[_texts[i]].Length, all[i].Vector.Length);
    }
}
