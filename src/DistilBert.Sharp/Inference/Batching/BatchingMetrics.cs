using System.Diagnostics.Metrics;

namespace DistilBert.Sharp.Inference.Batching;

/// <summary>
/// The batchers' instruments (System.Diagnostics.Metrics, so OpenTelemetry, Prometheus exporters and
/// <c>dotnet-counters</c> read them without the library depending on any of them). Every instrument carries the
/// batcher's name as tag <c>batcher</c>.
/// </summary>
public static class BatchingMetrics
{
    /// <summary>The meter's name: add it to an OpenTelemetry <c>MeterProviderBuilder</c> with <c>AddMeter</c>.</summary>
    public const string MeterName = "DistilBert.Sharp.Inference";

    private static readonly Meter Meter = new(MeterName, "0.1.0");

    internal static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("distilbert.batch.size", "{request}",
        "Requests per model call.", advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });

    internal static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>("distilbert.batch.duration", "s",
        "Seconds per model call.");

    internal static readonly Histogram<double> QueueTime = Meter.CreateHistogram<double>("distilbert.queue.duration", "s",
        "Seconds a request waited before its batch started.");

    internal static readonly UpDownCounter<long> QueueSize = Meter.CreateUpDownCounter<long>("distilbert.queue.size", "{request}",
        "Requests waiting for the model.");

    internal static readonly Counter<long> Requests = Meter.CreateCounter<long>("distilbert.requests", "{request}",
        "Requests by outcome (tag outcome: success, failure, cancelled, overloaded).");
}
