namespace DistilBert.Sharp.Inference.Batching;

/// <summary>
/// The batching queue is full: the request was refused at once rather than queued without bound. Servers map it to
/// HTTP 429 (TEI answers 429 "Model is overloaded"); callers may retry later.
/// </summary>
public sealed class InferenceOverloadedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InferenceOverloadedException(string batcherName, int queueCapacity, int requested)
        : base($"Model is overloaded: the {batcherName} queue holds its maximum of {queueCapacity} waiting requests "
               + $"({requested} more asked for). Retry later or raise QueueCapacity.")
    {
        BatcherName = batcherName;
        QueueCapacity = queueCapacity;
    }

    /// <summary>Creates the exception with a message.</summary>
    public InferenceOverloadedException(string message) : base(message) => BatcherName = "";

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public InferenceOverloadedException(string message, Exception innerException) : base(message, innerException) => BatcherName = "";

    /// <summary>Creates the exception with the default message.</summary>
    public InferenceOverloadedException() : this("Model is overloaded.") { }

    /// <summary>The batcher that refused the request.</summary>
    public string BatcherName { get; }

    /// <summary>Its queue capacity.</summary>
    public int QueueCapacity { get; }
}
