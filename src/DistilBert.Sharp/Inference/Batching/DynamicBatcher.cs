using System.Diagnostics;
using System.Threading.Channels;

namespace DistilBert.Sharp.Inference.Batching;

/// <summary>
/// Dynamic batching, the core of <see cref="BatchingTextClassifier"/> and <see cref="BatchingEmbeddingGenerator"/>:
/// many threads submit single requests; one worker gathers them into batches (up to
/// <see cref="DynamicBatchingOptions.MaxBatchSize"/>, waiting at most <see cref="DynamicBatchingOptions.MaxDelay"/>,
/// similar lengths together), runs one batch at a time and completes each caller's task with its own result.
/// </summary>
/// <remarks>
/// <para>The queue is a <see cref="Channel"/> with a capacity count of its own, checked atomically for a whole
/// multi-item request: a request that does not fit fails with <see cref="InferenceOverloadedException"/> and none of its
/// items is queued.</para>
/// <para>Cancelling a request completes its task as cancelled at once; the worker drops it (and frees its place in the
/// queue) when it reaches it, or, if its batch already started, discards its result. Other requests are untouched.</para>
/// <para>If a batch throws, its requests are retried one by one, so one bad input fails only its own request.</para>
/// <para>Disposal <b>drains</b>: new requests fail with <see cref="ObjectDisposedException"/>, every request already
/// queued is processed, then the worker stops. <see cref="ShutdownAsync"/> bounds the drain with a token: when it fires,
/// the requests still queued are cancelled at once and the batch running finishes.</para>
/// </remarks>
/// <typeparam name="TInput">One request's input.</typeparam>
/// <typeparam name="TOutput">One request's result.</typeparam>
public sealed class DynamicBatcher<TInput, TOutput> : IAsyncDisposable, IDisposable
{
    private readonly Func<IReadOnlyList<TInput>, CancellationToken, IReadOnlyList<TOutput>> _process;
    private readonly Func<TInput, int> _lengthOf;
    private readonly DynamicBatchingOptions _options;
    // Two readers: the worker, and ShutdownAsync cancelling what is still queued when its deadline passes.
    private readonly Channel<Request> _channel = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = false });
    private readonly CancellationTokenSource _abort = new();
    private readonly KeyValuePair<string, object?> _tag;
    private readonly Task _worker;
    private int _queued;
    private long _batches;
    private long _processed;
    private int _shutdown;

    /// <summary>Creates the batcher and starts its worker.</summary>
    /// <param name="process">Runs one batch; returns one result per input, in order. Called on the worker thread only, never concurrently.</param>
    /// <param name="options">Batch size, delay, queue capacity.</param>
    /// <param name="lengthOf">Length of an input for length-aware grouping (e.g. a text's char count); null = no grouping.</param>
    public DynamicBatcher(Func<IReadOnlyList<TInput>, CancellationToken, IReadOnlyList<TOutput>> process,
        DynamicBatchingOptions? options = null, Func<TInput, int>? lengthOf = null)
    {
        ArgumentNullException.ThrowIfNull(process);
        _options = options ?? new DynamicBatchingOptions();
        _options.Validate();
        _process = process;
        _lengthOf = lengthOf ?? (_ => 0);
        _tag = new KeyValuePair<string, object?>("batcher", _options.Name);
        // A dedicated thread: batches are long synchronous CPU work that must not hold a thread-pool thread.
        _worker = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>The options in use.</summary>
    public DynamicBatchingOptions Options => _options;

    /// <summary>Requests waiting for the model (not counting the batch running now).</summary>
    public int QueuedCount => Volatile.Read(ref _queued);

    /// <summary>Model calls made so far.</summary>
    public long BatchCount => Interlocked.Read(ref _batches);

    /// <summary>Requests that went through a model call so far (mean batch size = this / <see cref="BatchCount"/>).</summary>
    public long ProcessedCount => Interlocked.Read(ref _processed);

    /// <summary>Submits one input; the task completes with its result.</summary>
    /// <exception cref="InferenceOverloadedException">The queue is full.</exception>
    /// <exception cref="ObjectDisposedException">The batcher is shutting down.</exception>
    public Task<TOutput> EnqueueAsync(TInput input, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<TOutput>(cancellationToken);
        Reserve(1);
        var request = new Request(this, input);
        Submit(request, cancellationToken);
        return request.Completion.Task;
    }

    /// <summary>Submits many inputs as one all-or-nothing admission; the task completes when every result is in.</summary>
    /// <exception cref="InferenceOverloadedException">The queue cannot take all of them; none is queued.</exception>
    /// <exception cref="ObjectDisposedException">The batcher is shutting down.</exception>
    public Task<TOutput[]> EnqueueManyAsync(IReadOnlyList<TInput> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<TOutput[]>(cancellationToken);
        if (inputs.Count == 0) return Task.FromResult(Array.Empty<TOutput>());
        Reserve(inputs.Count);
        var tasks = new Task<TOutput>[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            var request = new Request(this, inputs[i]);
            Submit(request, cancellationToken);
            tasks[i] = request.Completion.Task;
        }
        return Task.WhenAll(tasks);
    }

    private void Reserve(int count)
    {
        if (Volatile.Read(ref _shutdown) != 0) throw new ObjectDisposedException(GetType().Name, $"The {_options.Name} batcher is shutting down.");
        if (Interlocked.Add(ref _queued, count) > _options.QueueCapacity)
        {
            Interlocked.Add(ref _queued, -count);
            BatchingMetrics.Requests.Add(count, _tag, new("outcome", "overloaded"));
            throw new InferenceOverloadedException(_options.Name, _options.QueueCapacity, count);
        }
        BatchingMetrics.QueueSize.Add(count, _tag);
    }

    private void Submit(Request request, CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
            request.Registration = cancellationToken.Register(static (state, token) => ((Request)state!).Cancel(token), request);
        if (!_channel.Writer.TryWrite(request))
        {
            request.Release();
            request.Completion.TrySetException(new ObjectDisposedException(GetType().Name, $"The {_options.Name} batcher is shutting down."));
        }
    }

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        var gathered = new List<Request>();
        int window = _options.MaxBatchSize * _options.GroupingWindow;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            Drain(reader, gathered, window);
            if (gathered.Count < _options.MaxBatchSize && _options.MaxDelay > TimeSpan.Zero && !_abort.IsCancellationRequested)
            {
                // Idle worker, partial batch: give concurrent callers a moment to join it.
                long deadline = Stopwatch.GetTimestamp() + (long)(_options.MaxDelay.TotalSeconds * Stopwatch.Frequency);
                using var timer = new CancellationTokenSource();
                while (gathered.Count < _options.MaxBatchSize)
                {
                    var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                    if (remaining <= TimeSpan.Zero) break;
                    timer.CancelAfter(remaining);
                    try
                    {
                        if (!await reader.WaitToReadAsync(timer.Token).ConfigureAwait(false)) break;
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                    Drain(reader, gathered, window);
                }
            }
            foreach (var batch in Group(gathered)) RunBatch(batch);
            gathered.Clear();
        }
    }

    /// <summary>Moves waiting requests into <paramref name="gathered"/>, dropping the cancelled ones.</summary>
    private void Drain(ChannelReader<Request> reader, List<Request> gathered, int window)
    {
        while (gathered.Count < window && reader.TryRead(out var request))
        {
            request.Release();
            if (_abort.IsCancellationRequested)
                request.Fail(ShutDownBeforeRun());
            else if (!request.Completion.Task.IsCompleted)
                gathered.Add(request);
        }
    }

    /// <summary>
    /// Sorts by length and cuts into batches that pad little (see <see cref="PaddingAwarePartition"/>), with a call's
    /// overhead taken as <see cref="DynamicBatchingOptions.CallOverheadInTexts"/> texts of mean length.
    /// </summary>
    private List<List<Request>> Group(List<Request> gathered)
    {
        if (gathered.Count == 0) return [];
        var sorted = gathered.OrderBy(r => r.Length).ToList();
        double overhead = _options.CallOverheadInTexts * Math.Max(1, sorted.Average(r => (double)r.Length));
        var result = new List<List<Request>>();
        int start = 0;
        foreach (int size in PaddingAwarePartition.Cut(sorted.ConvertAll(r => r.Length), _options.MaxBatchSize, overhead,
                     _options.MaxBatchTokens ?? long.MaxValue))
        {
            result.Add(sorted.GetRange(start, size));
            start += size;
        }
        return result;
    }

    private OperationCanceledException ShutDownBeforeRun() =>
        new($"The {_options.Name} batcher shut down before this request ran.");

    private void RunBatch(List<Request> batch)
    {
        batch.RemoveAll(r => r.Completion.Task.IsCompleted); // cancelled while earlier batches ran
        if (batch.Count == 0) return;
        if (_abort.IsCancellationRequested)
        {
            // Gathered with the batch that was running when the shutdown deadline passed, but not started: cancelled.
            foreach (var request in batch) request.Fail(ShutDownBeforeRun());
            return;
        }
        long started = Stopwatch.GetTimestamp();
        foreach (var request in batch) BatchingMetrics.QueueTime.Record(Stopwatch.GetElapsedTime(request.EnqueuedAt, started).TotalSeconds, _tag);
        try
        {
            var results = Process(batch);
            for (int i = 0; i < batch.Count; i++) batch[i].Succeed(results[i]);
        }
        catch (Exception) when (batch.Count > 1)
        {
            // Isolate the culprit: rerun one by one so only the request that fails gets the exception.
            foreach (var request in batch)
            {
                try
                {
                    request.Succeed(Process([request])[0]);
                }
                catch (Exception e)
                {
                    request.Fail(e);
                }
            }
        }
        catch (Exception e)
        {
            batch[0].Fail(e);
        }
    }

    private IReadOnlyList<TOutput> Process(List<Request> batch)
    {
        long started = Stopwatch.GetTimestamp();
        var results = _process(batch.ConvertAll(r => r.Input), CancellationToken.None);
        if (results.Count != batch.Count)
            throw new InvalidOperationException($"The {_options.Name} model returned {results.Count} results for {batch.Count} inputs.");
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _processed, batch.Count);
        BatchingMetrics.BatchSize.Record(batch.Count, _tag);
        BatchingMetrics.BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _tag);
        return results;
    }

    /// <summary>
    /// Stops taking requests and waits until every queued request has run. If <paramref name="cancellationToken"/>
    /// fires first, the requests still queued are cancelled at once, and the returned task completes when the batch
    /// running has finished.
    /// </summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _shutdown, 1);
        _channel.Writer.TryComplete();
        try
        {
            await _worker.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            // The queued requests' callers learn at the deadline, not after the running batch (which may be long):
            // with the abort set, Drain fails every request it reads and gathers none.
            Drain(_channel.Reader, [], int.MaxValue);
            await _worker.ConfigureAwait(false);
        }
    }

    /// <summary>Drains (see <see cref="ShutdownAsync"/>) and stops the worker.</summary>
    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync().ConfigureAwait(false);
        _abort.Dispose();
    }

    /// <summary>Drains (see <see cref="ShutdownAsync"/>), blocking the calling thread, and stops the worker.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private sealed class Request(DynamicBatcher<TInput, TOutput> owner, TInput input)
    {
        private int _counted = 1;

        public TInput Input { get; } = input;
        public int Length { get; } = owner._lengthOf(input);
        public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();
        public TaskCompletionSource<TOutput> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationTokenRegistration Registration { get; set; }

        /// <summary>Gives back its place in the queue (once).</summary>
        public void Release()
        {
            if (Interlocked.Exchange(ref _counted, 0) == 1)
            {
                Interlocked.Decrement(ref owner._queued);
                BatchingMetrics.QueueSize.Add(-1, owner._tag);
            }
        }

        public void Cancel(CancellationToken token)
        {
            // The place in the queue is given back when the worker drops the request, not here: a caller that submits
            // and cancels in a loop while a long batch runs must not grow the channel past QueueCapacity.
            if (Completion.TrySetCanceled(token))
            {
                BatchingMetrics.Requests.Add(1, owner._tag, new("outcome", "cancelled"));
            }
        }

        public void Succeed(TOutput output)
        {
            if (Completion.TrySetResult(output)) BatchingMetrics.Requests.Add(1, owner._tag, new("outcome", "success"));
            Registration.Dispose();
        }

        public void Fail(Exception error)
        {
            bool set = error is OperationCanceledException oce ? Completion.TrySetCanceled(oce.CancellationToken) : Completion.TrySetException(error);
            if (set) BatchingMetrics.Requests.Add(1, owner._tag, new("outcome", error is OperationCanceledException ? "cancelled" : "failure"));
            Registration.Dispose();
        }
    }
}
