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

    /// <summary>
    /// Label names of the classification head, id → name (HF's <c>id2label</c> keyword of <c>from_pretrained</c>); overrides
    /// the saved configuration's and sets <c>num_labels</c> to its count. Ids must be 0…n−1.
    /// </summary>
    public IReadOnlyDictionary<int, string>? Id2Label { get; init; }

    /// <summary>
    /// Label ids by name (HF's <c>label2id</c>); the inverse of <see cref="Id2Label"/>. Give either one, or both when they
    /// agree.
    /// </summary>
    public IReadOnlyDictionary<string, int>? Label2Id { get; init; }

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

    /// <summary>Applies <see cref="NumLabels"/>, <see cref="Id2Label"/> and <see cref="Label2Id"/> to a loaded configuration.</summary>
    /// <exception cref="ArgumentException">The label options contradict each other or the ids are not 0…n−1.</exception>
    internal void ApplyLabels(PretrainedConfig config)
    {
        IReadOnlyDictionary<int, string>? labels = Id2Label;
        if (Label2Id is { } byName)
        {
            var inverted = byName.ToDictionary(kv => kv.Value, kv => kv.Key);
            if (inverted.Count != byName.Count)
                throw new ArgumentException($"Label2Id maps two names to the same id: {string.Join(", ", byName.Select(kv => $"{kv.Key}={kv.Value}"))}.");
            if (labels is not null && (labels.Count != inverted.Count || labels.Any(kv => !inverted.TryGetValue(kv.Key, out var n) || n != kv.Value)))
                throw new ArgumentException("Id2Label and Label2Id disagree; pass one of them, or two that are inverses of each other.");
            labels ??= inverted;
        }
        if (labels is not null)
        {
            if (!Enumerable.Range(0, labels.Count).All(labels.ContainsKey))
                throw new ArgumentException($"Label ids must be 0…{labels.Count - 1}; got {string.Join(", ", labels.Keys.Order())}.");
            if (NumLabels is int n && n != labels.Count)
                throw new ArgumentException($"NumLabels = {n} but {labels.Count} label names were given.");
            config.Id2Label = labels.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key, kv => kv.Value);
        }
        else if (NumLabels is { } numLabels)
        {
            config.NumLabels = numLabels;
        }
    }

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
