using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace DistilBert.Sharp.Onnx;

/// <summary>
/// Text classification on ONNX Runtime over a folder <see cref="OnnxExporter"/> wrote (model.onnx, config.json,
/// tokenizer files): the surface of <see cref="TextClassificationPipeline"/> — length-sorted batches, id2label,
/// softmax/sigmoid, top-k, cancellation — without TorchSharp or libtorch on the path (the tokenizer and config.json
/// reader of the core are plain .NET).
/// </summary>
/// <remarks>Not thread-safe for concurrent calls (as <see cref="ITextClassifier"/> allows); dispose it to free the session.</remarks>
public sealed class OnnxTextClassificationPipeline : ITextClassifier, IDisposable
{
    private readonly InferenceSession _session;
    private readonly DistilBertTokenizer _tokenizer;
    private readonly PretrainedConfig _config;
    private readonly OnnxTextClassificationPipelineOptions _options;

    /// <summary>Loads an exported folder.</summary>
    /// <param name="modelDirectory">A folder holding model.onnx, config.json and the tokenizer files.</param>
    /// <param name="options">Batching, truncation, scores and threads.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">model.onnx or config.json is missing (the message names the path).</exception>
    /// <exception cref="InvalidDataException">The graph has no <c>logits</c> output, or a file is malformed.</exception>
    public OnnxTextClassificationPipeline(string modelDirectory, OnnxTextClassificationPipelineOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        _options = options ?? new OnnxTextClassificationPipelineOptions();
        if (_options.BatchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), _options.BatchSize, "BatchSize must be positive.");
        if (_options.TopK is <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), _options.TopK, "TopK must be positive (or null for all labels).");
        if (!Directory.Exists(modelDirectory))
            throw new DirectoryNotFoundException($"ONNX model folder '{modelDirectory}' does not exist.");
        string modelPath = Path.Combine(modelDirectory, OnnxExporter.ModelFileName);
        if (!File.Exists(modelPath))
            throw new FileNotFoundException($"'{modelDirectory}' has no {OnnxExporter.ModelFileName} (export one with OnnxExporter.Export or `distilbert-sharp export-onnx`).", modelPath);
        _config = AutoConfig.FromFile(Path.Combine(modelDirectory, "config.json"));
        _tokenizer = DistilBertTokenizer.FromPretrained(modelDirectory);
        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (_options.IntraOpNumThreads is int threads) sessionOptions.IntraOpNumThreads = threads;
        try
        {
            _session = new InferenceSession(modelPath, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"ONNX Runtime cannot load '{modelPath}': {ex.Message}", ex);
        }
        if (!_session.OutputNames.Contains("logits"))
        {
            _session.Dispose();
            throw new InvalidDataException($"'{modelPath}' has no 'logits' output (outputs: {string.Join(", ", _session.OutputNames)}); export a sequence-classification model.");
        }
    }

    /// <summary>The model's configuration (labels, problem type).</summary>
    public PretrainedConfig Config => _config;

    /// <summary>Classifies one text: the top-k labels, best first.</summary>
    public IReadOnlyList<ClassificationResult> Predict(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return PredictBatch([text])[0];
    }

    /// <summary>Classifies many texts; the i-th result belongs to the i-th text.</summary>
    /// <param name="texts">The texts (none null); each is truncated to <see cref="OnnxTextClassificationPipelineOptions.MaxLength"/>
    /// (default the tokenizer's <c>model_max_length</c>) and never past the model's <c>max_position_embeddings</c>.</param>
    /// <param name="progress">Receives the number of texts done after each batch.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    public IReadOnlyList<IReadOnlyList<ClassificationResult>> PredictBatch(IReadOnlyList<string> texts,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ClassificationRanking.ThrowIfAnyNull(texts);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var encoded = _tokenizer.EncodeBatch(texts, new EncodeOptions
        {
            Truncation = TruncationStrategy.LongestFirst,
            MaxLength = MaxLength,
        }, cancellationToken);
        return Run(encoded, progress, cancellationToken);
    }

    /// <summary>Classifies one text pair (HF's <c>{"text": ..., "text_pair": ...}</c> input), e.g. for NLI or paraphrase models.</summary>
    public IReadOnlyList<ClassificationResult> Predict(string text, string textPair)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(textPair);
        return PredictBatch([text], [textPair])[0];
    }

    /// <summary>
    /// Classifies text pairs: <c>[CLS] text [SEP] pair [SEP]</c> with segment ids 0/1 (fed to BERT graphs, which have a
    /// <c>token_type_ids</c> input), truncated <c>longest_first</c>; the i-th result belongs to the i-th pair.
    /// </summary>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public IReadOnlyList<IReadOnlyList<ClassificationResult>> PredictBatch(IReadOnlyList<string> texts, IReadOnlyList<string> textPairs,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ClassificationRanking.ThrowIfUnpaired(texts, textPairs);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var encoded = _tokenizer.EncodeBatch(texts, textPairs, new EncodeOptions
        {
            Truncation = TruncationStrategy.LongestFirst,
            MaxLength = MaxLength,
            ReturnTokenTypeIds = true,
        }, cancellationToken);
        return Run(encoded, progress, cancellationToken);
    }

    // Never past the position table: the graph cannot embed position max_position_embeddings or later.
    private int MaxLength => Math.Min(_options.MaxLength ?? _tokenizer.ModelMaxLength, MaxPositions(_config));

    private IReadOnlyList<IReadOnlyList<ClassificationResult>> Run(BatchEncoding encoded, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        int count = encoded.Count;
        // Longest first, as the TorchSharp pipeline: similar lengths share a batch, results return in input order.
        int[] order = Enumerable.Range(0, count).OrderByDescending(i => encoded.InputIds[i].Length).ThenBy(i => i).ToArray();
        var results = new IReadOnlyList<ClassificationResult>[count];
        for (int start = 0; start < order.Length; start += _options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int[] batch = order[start..Math.Min(start + _options.BatchSize, order.Length)];
            var outputs = OnnxEncoderRunner.Run(_session, batch.Select(i => encoded.InputIds[i]).ToList(), _tokenizer.PadTokenId,
                encoded.TokenTypeIds is { } types ? batch.Select(i => types[i]).ToList() : null);
            var (logits, shape) = outputs["logits"];
            int labels = (int)shape[1];
            for (int b = 0; b < batch.Length; b++) results[batch[b]] = Rank(Score(logits.AsSpan(b * labels, labels)));
            progress?.Report(start + batch.Length);
        }
        return results;
    }

    private static int MaxPositions(PretrainedConfig config) => config switch
    {
        DistilBertConfig c => c.MaxPositionEmbeddings,
        BertConfig c => c.MaxPositionEmbeddings,
        _ => int.MaxValue,
    };

    private float[] Score(ReadOnlySpan<float> logits)
    {
        var function = _options.ScoreFunction;
        if (function == ScoreFunction.Default)
            function = _config.ProblemType == "multi_label_classification" || logits.Length == 1 ? ScoreFunction.Sigmoid : ScoreFunction.Softmax;
        float[] scores = logits.ToArray();
        switch (function)
        {
            case ScoreFunction.Softmax:
                float max = scores.Max();
                double sum = 0;
                for (int i = 0; i < scores.Length; i++) sum += Math.Exp(scores[i] - max);
                for (int i = 0; i < scores.Length; i++) scores[i] = (float)(Math.Exp(scores[i] - max) / sum);
                break;
            case ScoreFunction.Sigmoid:
                for (int i = 0; i < scores.Length; i++) scores[i] = (float)(1 / (1 + Math.Exp(-scores[i])));
                break;
        }
        return scores;
    }

    private IReadOnlyList<ClassificationResult> Rank(float[] scores) => ClassificationRanking.Rank(scores, _config.Id2Label, _options.TopK);

    private bool _disposed;

    /// <summary>Frees the ONNX Runtime session.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _session.Dispose();
    }
}
