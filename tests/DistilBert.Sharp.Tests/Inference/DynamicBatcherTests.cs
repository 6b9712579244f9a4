using System.Collections.Concurrent;
using DistilBert.Sharp.Inference.Batching;

namespace DistilBert.Sharp.Tests.Inference;

/// <summary>Queueing, overload, cancellation, failure isolation and disposal of <see cref="DynamicBatcher{TInput, TOutput}"/>, on a fake model.</summary>
public sealed class DynamicBatcherTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>A fake model: the result is the text's length plus 1000 × the batch's size; it can be held at a gate.</summary>
    private sealed class FakeModel
    {
        private readonly ManualResetEventSlim _gate = new(true);
        private int _running;
        public ConcurrentQueue<string[]> Batches { get; } = new();
        public SemaphoreSlim Entered { get; } = new(0);
        public int MaxConcurrency;

        public void Hold() => _gate.Reset();
        public void Release() => _gate.Set();

        public IReadOnlyList<int> Process(IReadOnlyList<string> texts, CancellationToken _)
        {
            int running = Interlocked.Increment(ref _running);
            InterlockedMax(ref MaxConcurrency, running);
            Batches.Enqueue(texts.ToArray());
            Entered.Release();
            _gate.Wait(Timeout);
            Interlocked.Decrement(ref _running);
            if (texts.Contains("bad")) throw new InvalidDataException("bad input");
            return texts.Select(t => t.Length + 1000 * texts.Count).ToArray();
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
        }
    }

    private static DynamicBatcher<string, int> Create(FakeModel model, int maxBatch = 4, int capacity = 16, int delayMs = 0) =>
        new(model.Process, new DynamicBatchingOptions { MaxBatchSize = maxBatch, QueueCapacity = capacity, MaxDelay = TimeSpan.FromMilliseconds(delayMs), Name = "test" },
            text => text.Length);

    [Fact]
    public async Task Requests_queued_while_the_model_is_busy_form_length_grouped_batches_one_at_a_time()
    {
        var model = new FakeModel();
        await using var batcher = Create(model, maxBatch: 2);
        model.Hold();
        var first = batcher.EnqueueAsync("x");
        Assert.True(await model.Entered.WaitAsync(Timeout));
        string[] texts = ["a", new string('b', 40), "cc", new string('d', 39)];
        var tasks = texts.Select(t => batcher.EnqueueAsync(t)).ToArray();
        Assert.Equal(4, batcher.QueuedCount);
        model.Release();
        var results = await Task.WhenAll(tasks).WaitAsync(Timeout);
        Assert.Equal(1 + 1000, await first);
        // Each caller gets its own text's result; short texts were batched together, long ones together.
        Assert.Equal(texts.Select(t => t.Length + 2000), results);
        var batches = model.Batches.ToArray();
        Assert.Equal(3, batches.Length);
        Assert.Equal(["a", "cc"], batches[1]);
        Assert.Equal([new string('d', 39), new string('b', 40)], batches[2]);
        Assert.Equal(1, model.MaxConcurrency);
        Assert.Equal(0, batcher.QueuedCount);
        Assert.Equal(3, batcher.BatchCount);
        Assert.Equal(5, batcher.ProcessedCount);
    }

    [Fact]
    public async Task A_full_queue_refuses_with_InferenceOverloadedException_and_admits_multi_item_requests_all_or_nothing()
    {
        var model = new FakeModel();
        await using var batcher = Create(model, maxBatch: 2, capacity: 3);
        model.Hold();
        var running = batcher.EnqueueAsync("x");
        Assert.True(await model.Entered.WaitAsync(Timeout));
        var queued = new[] { batcher.EnqueueAsync("a"), batcher.EnqueueAsync("b") };
        var error = Assert.Throws<InferenceOverloadedException>(() => { _ = batcher.EnqueueManyAsync(["c", "d"]); });
        Assert.Contains("overloaded", error.Message);
        Assert.Equal(3, error.QueueCapacity);
        Assert.Equal(2, batcher.QueuedCount);            // none of the two was queued
        var last = batcher.EnqueueAsync("e");            // one place was left
        Assert.Throws<InferenceOverloadedException>(() => { _ = batcher.EnqueueAsync("f"); });
        model.Release();
        await Task.WhenAll([running, .. queued, last]).WaitAsync(Timeout);
        Assert.DoesNotContain(model.Batches.SelectMany(b => b), t => t is "c" or "d" or "f");
        Assert.Equal(1002, await batcher.EnqueueAsync("xx").WaitAsync(Timeout));  // usable again
    }

    [Fact]
    public async Task Cancelling_a_request_completes_it_as_cancelled_disturbs_no_other_and_leaves_no_residue()
    {
        var model = new FakeModel();
        await using var batcher = Create(model, maxBatch: 4);
        model.Hold();
        using var runningCts = new CancellationTokenSource();
        var runningCancelled = batcher.EnqueueAsync("r1", runningCts.Token);
        var runningKept = batcher.EnqueueAsync("r22");
        Assert.True(await model.Entered.WaitAsync(Timeout));
        using var queuedCts = new CancellationTokenSource();
        var queuedCancelled = batcher.EnqueueAsync("q-cancelled", queuedCts.Token);
        var queuedKept = batcher.EnqueueAsync("q-kept");
        await runningCts.CancelAsync();                   // its batch is running: the result is discarded
        await queuedCts.CancelAsync();                    // still queued: dropped before it reaches the model
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runningCancelled.WaitAsync(Timeout));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queuedCancelled.WaitAsync(Timeout));
        model.Release();
        int runningKeptResult = await runningKept.WaitAsync(Timeout), queuedKeptResult = await queuedKept.WaitAsync(Timeout);
        // The cancelled queued request never reached the model; the one cancelled while running did (it was running).
        var batches = model.Batches.ToArray();
        Assert.DoesNotContain(batches.SelectMany(b => b), t => t == "q-cancelled");
        Assert.Contains("r1", batches[0]);
        // Every kept request got its own result from the batch that carried it (length + 1000 × batch size). Which
        // batches formed depends on whether "r22" reached the queue before the worker took "r1" (usually both ran in
        // the first batch); a local run saw [r1] then [r22, q-kept].
        Assert.Equal(3 + 1000 * batches.Single(b => b.Contains("r22")).Length, runningKeptResult);
        Assert.Equal(6 + 1000 * batches.Single(b => b.Contains("q-kept")).Length, queuedKeptResult);
        Assert.Equal(0, batcher.QueuedCount);
        Assert.True(batcher.EnqueueAsync("z", new CancellationToken(true)).IsCanceled);  // pre-cancelled: never queued
        Assert.Equal(0, batcher.QueuedCount);
    }

    [Fact]
    public async Task A_failing_input_fails_only_its_own_request()
    {
        var model = new FakeModel();
        await using var batcher = Create(model, maxBatch: 8);
        model.Hold();
        var head = batcher.EnqueueAsync("h");
        Assert.True(await model.Entered.WaitAsync(Timeout));
        var good1 = batcher.EnqueueAsync("good");
        var bad = batcher.EnqueueAsync("bad");
        var good2 = batcher.EnqueueAsync("fine!");
        model.Release();
        await head.WaitAsync(Timeout);
        Assert.Equal(4 + 1000, await good1.WaitAsync(Timeout));         // rerun alone after the batch failed
        Assert.Equal(5 + 1000, await good2.WaitAsync(Timeout));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => bad.WaitAsync(Timeout));
        Assert.Equal("bad input", error.Message);
    }

    [Fact]
    public async Task Disposal_drains_queued_requests_and_refuses_new_ones()
    {
        var model = new FakeModel();
        var batcher = Create(model, maxBatch: 2);
        model.Hold();
        var tasks = new List<Task<int>> { batcher.EnqueueAsync("a") };
        Assert.True(await model.Entered.WaitAsync(Timeout));
        tasks.AddRange(Enumerable.Range(0, 5).Select(i => batcher.EnqueueAsync(new string('x', i + 1))));
        var disposal = batcher.DisposeAsync().AsTask();
        Assert.Throws<ObjectDisposedException>(() => { _ = batcher.EnqueueAsync("late"); });
        Assert.False(disposal.IsCompleted);
        model.Release();
        await disposal.WaitAsync(Timeout);
        Assert.All(tasks, t => Assert.True(t.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task Shutdown_past_its_deadline_finishes_the_running_batch_and_cancels_the_queued_ones()
    {
        var model = new FakeModel();
        var batcher = Create(model, maxBatch: 1);
        model.Hold();
        var running = batcher.EnqueueAsync("a");
        Assert.True(await model.Entered.WaitAsync(Timeout));
        var queued = batcher.EnqueueAsync("b");
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var shutdown = batcher.ShutdownAsync(deadline.Token);
        // The queued request is cancelled at the deadline, while the running batch is still held in the model.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(Timeout));
        Assert.Equal(0, batcher.QueuedCount);
        Assert.False(running.IsCompleted);
        Assert.False(shutdown.IsCompleted);
        model.Release();
        await shutdown.WaitAsync(Timeout);
        Assert.Equal(1001, await running);
        Assert.Single(model.Batches);
        await batcher.DisposeAsync();
    }
}

/// <summary>The padding-aware cut, against costs worked out by hand.</summary>
public sealed class PaddingAwarePartitionTests
{
    [Fact]
    public void Long_texts_get_their_own_batch_when_padding_would_cost_more_than_a_call()
    {
        // [5,5,5,5] + [100,100]: 4×5 + 2×100 + 2×50 = 320, against one batch 6×100 + 50 = 650.
        Assert.Equal([4, 2], PaddingAwarePartition.Cut([5, 5, 5, 5, 100, 100], maxBatch: 8, callOverhead: 50));
        // A call costing more than all the padding: one batch (6×100 + 500 = 1100 < 320 - 100 + 1000).
        Assert.Equal([6], PaddingAwarePartition.Cut([5, 5, 5, 5, 100, 100], maxBatch: 8, callOverhead: 500));
        // Equal lengths: as few calls as the batch limit allows.
        Assert.Equal([3, 3, 3], PaddingAwarePartition.Cut(Enumerable.Repeat(7, 9).ToList(), maxBatch: 3, callOverhead: 1));
        Assert.Empty(PaddingAwarePartition.Cut([], maxBatch: 4, callOverhead: 1));
    }
}

/// <summary>The token budget of a batch.</summary>
public sealed class PaddingAwarePartitionBudgetTests
{
    [Fact]
    public void No_batch_exceeds_the_token_budget_but_an_over_long_item_still_runs_alone()
    {
        // Eight items of 128 with a budget of 512: batches of at most 4, whatever the call overhead.
        Assert.Equal([4, 4], PaddingAwarePartition.Cut(Enumerable.Repeat(128, 8).ToList(), maxBatch: 32, callOverhead: 10_000, maxBatchTokens: 512));
        Assert.Equal([1], PaddingAwarePartition.Cut([900], maxBatch: 32, callOverhead: 1, maxBatchTokens: 512));
    }
}
