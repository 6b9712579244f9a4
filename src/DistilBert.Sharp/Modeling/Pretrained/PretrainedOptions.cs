using DistilBert.Sharp.Hub;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>Options of <c>FromPretrained</c> (HF's <c>from_pretrained</c> keyword arguments that apply here).</summary>
public sealed record PretrainedOptions
{
    /// <summary>Device to place the model on after loading (default: CPU).</summary>
    public Device? Device { get; init; }

    /// <summary>Parameter dtype after loading (default: float32, whatever the checkpoint stores).</summary>
    public ScalarType? DType { get; init; }

    /// <summary>Throw when the checkpoint lacks weights the model needs or holds weights it does not use (default: report only, as HF).</summary>
    public bool Strict { get; init; }

    /// <summary>Override <c>num_labels</c> of the saved configuration, e.g. to put a fresh 2-label head on an encoder checkpoint.</summary>
    public int? NumLabels { get; init; }

    /// <summary>Receives the load report (missing, unexpected and newly initialised weights) as HF logs it.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Hub revision (branch, tag or commit) when loading by Hub id.</summary>
    public string? Revision { get; init; }

    /// <summary>Hub cache folder when loading by Hub id.</summary>
    public string? CacheDir { get; init; }

    /// <summary>Never touch the network; resolve Hub ids from the cache only.</summary>
    public bool Offline { get; init; }

    /// <summary>
    /// Advanced Hub settings (endpoint, token, HTTP handler, download progress). <see cref="Revision"/>,
    /// <see cref="CacheDir"/> and <see cref="Offline"/> above take precedence when set.
    /// </summary>
    public HubOptions? Hub { get; init; }

    /// <summary>The Hub settings these options imply.</summary>
    internal HubOptions HubOptions()
    {
        var hub = Hub ?? new HubOptions();
        return new HubOptions
        {
            Endpoint = hub.Endpoint,
            Token = hub.Token,
            CacheDir = CacheDir ?? hub.CacheDir,
            Offline = Offline ? true : hub.Offline,
            Revision = Revision ?? hub.Revision,
            MaxResumeAttempts = hub.MaxResumeAttempts,
            HttpMessageHandler = hub.HttpMessageHandler,
            HttpClient = hub.HttpClient,
            Progress = hub.Progress,
            Logger = hub.Logger ?? Logger,
        };
    }
}
