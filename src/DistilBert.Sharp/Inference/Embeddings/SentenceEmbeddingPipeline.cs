using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Tokenization;
using Microsoft.Extensions.AI;
using TorchSharp;

namespace DistilBert.Sharp.Inference.Embeddings;

/// <summary>
/// Sentence embeddings (sentence-transformers' <c>model.encode</c>) from a DistilBERT or BERT encoder: tokenize,
/// run the encoder in inference mode, pool the token vectors (mean / CLS / max, ignoring padding) and L2-normalise,
/// as the model folder's sentence-transformers files say. Also an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>,
/// so Microsoft.Extensions.AI and Semantic Kernel code uses it unchanged.
/// </summary>
/// <remarks>
/// Texts are sorted by token count before batching (as <see cref="TextClassificationPipeline"/> does) and vectors come
/// back in input order. Calls are serialised by a lock, so one pipeline may be shared by threads; for throughput under
/// many concurrent callers put a <see cref="Batching.BatchingEmbeddingGenerator"/> in front of it.
/// </remarks>
public sealed partial class SentenceEmbeddingPipeline : ITextEmbedder, IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly PreTrainedModel _model;
    private readonly bool _ownsModel;
    private readonly DataCollatorWithPadding _collator;
    private readonly torch.Device _device;
    private readonly Lock _gate = new();
    private readonly string? _modelId;
    private bool _disposed;

    /// <summary>Creates the pipeline on an encoder (<see cref="DistilBertModel"/>, <see cref="BertModel"/> or anything returning <see cref="ModelOutput.LastHiddenState"/>).</summary>
    /// <param name="model">The encoder; not owned (the caller disposes it).</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="options">Explicit settings; null ones come from <paramref name="folderConfig"/>, then from the defaults.</param>
    /// <param name="folderConfig">The sentence-transformers files of the model folder (<see cref="SentenceTransformerConfig.Load"/>), if any.</param>
    /// <exception cref="ArgumentOutOfRangeException">Batch size or max length is not positive, or pooling is empty.</exception>
    public SentenceEmbeddingPipeline(PreTrainedModel model, DistilBertTokenizer tokenizer, SentenceEmbeddingOptions? options = null,
        SentenceTransformerConfig? folderConfig = null)
        : this(model, tokenizer, options, folderConfig, ownsModel: false, modelId: null)
    {
    }

    private SentenceEmbeddingPipeline(PreTrainedModel model, DistilBertTokenizer tokenizer, SentenceEmbeddingOptions? options,
        SentenceTransformerConfig? folderConfig, bool ownsModel, string? modelId)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        options ??= new SentenceEmbeddingOptions();
        if (options.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be positive.");
        var (hidden, maxPositions) = model.Config switch
        {
            DistilBertConfig c => (c.Dim, c.MaxPositionEmbeddings),
            BertConfig c => (c.HiddenSize, c.MaxPositionEmbeddings),
            _ => throw new ArgumentException($"{model.Config.GetType().Name} is not a DistilBERT or BERT configuration.", nameof(model)),
        };
        Pooling = options.Pooling ?? folderConfig?.Pooling ?? PoolingMode.Mean;
        if (Pooling == 0) throw new ArgumentOutOfRangeException(nameof(options), Pooling, "Pooling must enable at least one mode.");
        Normalize = options.Normalize ?? folderConfig?.Normalize ?? true;
        MaxLength = Math.Min(options.MaxLength ?? folderConfig?.MaxSeqLength ?? tokenizer.ModelMaxLength, maxPositions);
        if (MaxLength < 2) throw new ArgumentOutOfRangeException(nameof(options), options.MaxLength, "MaxLength must leave room for [CLS] and [SEP].");
        DoLowerCase = options.DoLowerCase ?? folderConfig?.DoLowerCase ?? false;
        BatchSize = options.BatchSize;
        Dimension = hidden * Embeddings.Pooling.ModeCount(Pooling);
        Tokenizer = tokenizer;
        _model = model;
        _ownsModel = ownsModel;
        _modelId = modelId;
        _collator = new DataCollatorWithPadding(tokenizer.PadTokenId);
        _device = options.Device ?? model.parameters().First().device;
    }

    /// <summary>
    /// Loads the encoder (DistilBERT or BERT, following <c>config.json</c>'s <c>model_type</c>), its tokenizer and its
    /// sentence-transformers files from a local folder or Hub id. The pipeline owns (disposes) that model.
    /// </summary>
    public static SentenceEmbeddingPipeline FromPretrained(string pathOrHubId, SentenceEmbeddingOptions? options = null,
        Hub.HubOptions? hubOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrHubId);
        var tokenizer = DistilBertTokenizer.FromPretrained(pathOrHubId, hubOptions);
        var model = AutoModel.FromPretrained(pathOrHubId, new PretrainedOptions { Hub = hubOptions });
        try
        {
            // The sentence-transformers files are optional; only a local folder is searched for them.
            var folderConfig = Directory.Exists(pathOrHubId) ? SentenceTransformerConfig.Load(pathOrHubId) : null;
            return new SentenceEmbeddingPipeline(model, tokenizer, options, folderConfig, ownsModel: true,
                modelId: Path.GetFileName(Path.TrimEndingDirectorySeparator(pathOrHubId)));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The tokenizer.</summary>
    public DistilBertTokenizer Tokenizer { get; }

    /// <summary>The pooling in use.</summary>
    public PoolingMode Pooling { get; }

    /// <summary>Whether vectors are L2-normalised.</summary>
    public bool Normalize { get; }

    /// <summary>Token limit per text including [CLS]/[SEP]; longer texts are truncated.</summary>
    public int MaxLength { get; }

    /// <summary>Whether texts are lower-cased before tokenizing (sentence-transformers' <c>do_lower_case</c>).</summary>
    public bool DoLowerCase { get; }

    /// <summary>Texts per forward pass.</summary>
    public int BatchSize { get; }

    /// <summary>Length of every vector: the encoder's hidden size times the number of pooling modes.</summary>
    public int Dimension { get; }

    /// <summary>Embeds one text.</summary>
    public float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return EmbedBatch([text])[0];
    }

    /// <summary>Embeds many texts; the i-th vector belongs to the i-th text. Texts over <see cref="MaxLength"/> tokens are truncated.</summary>
    /// <exception cref="ArgumentNullException">A text is null.</exception>
    public IReadOnlyList<float[]> EmbedBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        for (int i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null) throw new ArgumentNullException(nameof(texts), $"Text {i} is null.");
        }
        var encoded = Tokenizer.EncodeBatch(DoLowerCase ? texts.Select(t => t.ToLowerInvariant()).ToList() : texts,
            new EncodeOptions { Truncation = TruncationStrategy.LongestFirst, MaxLength = MaxLength }, cancellationToken);
        return EmbedTokenIds(encoded.InputIds, cancellationToken);
    }

    /// <summary>Embeds rows of token ids that already carry [CLS]/[SEP] and fit <see cref="MaxLength"/>.</summary>
    internal IReadOnlyList<float[]> EmbedTokenIds(IReadOnlyList<int[]> rows, CancellationToken cancellationToken)
    {
        var results = new float[rows.Count][];
        if (rows.Count == 0) return results;
        // Longest first: the first batch shows the peak memory at once, and similar lengths share a batch.
        int[] order = Enumerable.Range(0, rows.Count).OrderByDescending(i => rows[i].Length).ThenBy(i => i).ToArray();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            TorchRuntime.EnsureLoaded();
            bool wasTraining = _model.training;
            _model.eval();
            try
            {
                using var inference = torch.inference_mode();
                for (int start = 0; start < order.Length; start += BatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int[] batch = order[start..Math.Min(start + BatchSize, order.Length)];
                    float[][] vectors = EmbedPaddedBatch(batch.Select(i => new TextClassificationExample(rows[i])).ToList());
                    for (int b = 0; b < batch.Length; b++) results[batch[b]] = vectors[b];
                }
            }
            finally
            {
                _model.train(wasTraining);
            }
        }
        return results;
    }

    private float[][] EmbedPaddedBatch(IReadOnlyList<TextClassificationExample> examples)
    {
        using var scope = torch.NewDisposeScope();
        var inputs = _collator.Collate(examples);
        if (_device.type != DeviceType.CPU)
            inputs = inputs with { InputIds = inputs.InputIds.to(_device), AttentionMask = inputs.AttentionMask?.to(_device) };
        var hidden = _model.call(inputs).LastHiddenState
                     ?? throw new InvalidOperationException($"{_model.GetType().Name} returns no last_hidden_state; load the bare encoder (AutoModel).");
        var pooled = Embeddings.Pooling.Pool(hidden.to(torch.float32), inputs.AttentionMask!, Pooling);
        if (Normalize) pooled = Embeddings.Pooling.Normalize(pooled);
        float[] flat = pooled.cpu().data<float>().ToArray();
        int dim = (int)pooled.shape[1];
        return Enumerable.Range(0, examples.Count).Select(r => flat.AsSpan(r * dim, dim).ToArray()).ToArray();
    }

    /// <summary>Disposes the model when the pipeline loaded it (<see cref="FromPretrained"/>); otherwise nothing.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            if (_ownsModel) _model.Dispose();
        }
    }
}
