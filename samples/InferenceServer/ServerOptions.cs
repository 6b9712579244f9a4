namespace InferenceServer;

/// <summary>Server limits and security (configuration section <c>Server</c>); defaults follow TEI's.</summary>
public sealed class ServerOptions
{
    /// <summary>When set, every route but <c>/health</c> and <c>/metrics</c> needs <c>Authorization: Bearer &lt;key&gt;</c> (TEI's <c>--api-key</c>).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Most inputs in one request (TEI's <c>--max-client-batch-size</c>, default 32).</summary>
    public int MaxClientBatchSize { get; set; } = 32;

    /// <summary>Largest request body in bytes (TEI's <c>--payload-limit</c>, default 2,000,000).</summary>
    public long MaxRequestBodyBytes { get; set; } = 2_000_000;

    /// <summary>Truncate over-long inputs when a request does not say (TEI's <c>--auto-truncate</c>, default true).</summary>
    public bool AutoTruncate { get; set; } = true;

    /// <summary>libtorch intra-op threads; null = libtorch's default (one per core).</summary>
    public int? TorchThreads { get; set; }
}
