using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Tokenization;
using TorchSharp;

namespace DistilBert.Sharp.Inference;

/// <summary>
/// Batched text classification (HF's <c>pipeline("text-classification")</c>): tokenize, run the model in inference
/// mode, turn logits into label names and scores.
/// </summary>
/// <remarks>
/// Texts are sorted by token count before batching, so each batch is padded only to the length of similar texts
/// (on IMDb this removes most of the padding a fixed-order batch carries); results come back in input order.
/// A pipeline built with the constructor does not own the model or the tokenizer; one made by
/// <see cref="FromPretrained"/> owns the model it loaded and disposes it.
/// </remarks>
public sealed partial class TextClassificationPipeline : ITextClassifier, IDisposable
{
    private readonly PreTrainedModel _model;
    private readonly DistilBertTokenizer _tokenizer;
    private readonly TextClassificationPipelineOptions _options;
    private readonly DataCollatorWithPadding _collator;

    /// <summary>Creates the pipeline.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Batch size or top-k is not positive.</exception>
    /// <exception cref="ArgumentException">The model has no sequence-classification head (e.g. a bare encoder or a
    /// masked-LM model): it does not return one row of logits per text.</exception>
    public TextClassificationPipeline(PreTrainedModel model, DistilBertTokenizer tokenizer, TextClassificationPipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        _options = options ?? new TextClassificationPipelineOptions();
        if (_options.BatchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), _options.BatchSize, "BatchSize must be positive.");
        if (_options.TopK is <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), _options.TopK, "TopK must be positive (or null for all labels).");
        _model = model;
        _tokenizer = tokenizer;
        _collator = new DataCollatorWithPadding(tokenizer.PadTokenId);
        RequireClassificationHead();
    }

    /// <summary>The model the pipeline runs.</summary>
    public PreTrainedModel Model => _model;

    /// <summary>The tokenizer the pipeline uses.</summary>
    public DistilBertTokenizer Tokenizer => _tokenizer;

    /// <summary>Classifies one text: the top-k labels, best first.</summary>
    public IReadOnlyList<ClassificationResult> Predict(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return PredictBatch([text])[0];
    }

    /// <summary>Classifies many texts; the i-th result belongs to the i-th text.</summary>
    /// <param name="texts">The texts (none null; empty text is classified from [CLS] [SEP] alone, as HF does).</param>
    /// <param name="progress">Receives the number of texts done after each batch.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    public IReadOnlyList<IReadOnlyList<ClassificationResult>> PredictBatch(IReadOnlyList<string> texts,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ClassificationRanking.ThrowIfAnyNull(texts);
        TorchRuntime.EnsureLoaded();
        var encoded = _tokenizer.EncodeBatch(texts, new EncodeOptions
        {
            Truncation = TruncationStrategy.LongestFirst,
            MaxLength = _options.MaxLength ?? _tokenizer.ModelMaxLength,
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
    /// Classifies text pairs: <c>[CLS] text [SEP] pair [SEP]</c> with segment ids 0/1 (used by BERT, ignored by
    /// DistilBERT), truncated <c>longest_first</c>; the i-th result belongs to the i-th pair.
    /// </summary>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public IReadOnlyList<IReadOnlyList<ClassificationResult>> PredictBatch(IReadOnlyList<string> texts, IReadOnlyList<string> textPairs,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ClassificationRanking.ThrowIfUnpaired(texts, textPairs);
        TorchRuntime.EnsureLoaded();
        var encoded = _tokenizer.EncodeBatch(texts, textPairs, new EncodeOptions
        {
            Truncation = TruncationStrategy.LongestFirst,
            MaxLength = _options.MaxLength ?? _tokenizer.ModelMaxLength,
            ReturnTokenTypeIds = true,
        }, cancellationToken);
        return Run(encoded, progress, cancellationToken);
    }

    private IReadOnlyList<IReadOnlyList<ClassificationResult>> Run(BatchEncoding encoded, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        int count = encoded.Count;

        // Longest first: the first batch shows the peak memory at once, and similar lengths share a batch.
        int[] order = Enumerable.Range(0, count).OrderByDescending(i => encoded.InputIds[i].Length).ThenBy(i => i).ToArray();
        var results = new IReadOnlyList<ClassificationResult>[count];
        torch.Device device = _options.Device ?? _model.parameters().First().device;
        bool wasTraining = _model.training;
        // train(bool) walks every submodule through native calls; a model already in eval mode (the usual case for a
        // serving pipeline) is left as it is, which saves that walk twice per call.
        bool toggle = wasTraining || !InferenceFastPath.Enabled;
        if (toggle) _model.eval();
        try
        {
            using var inference = torch.inference_mode();
            for (int start = 0; start < order.Length; start += _options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int[] batch = order[start..Math.Min(start + _options.BatchSize, order.Length)];
                float[][] scores = ScoreBatch(batch.Select(i => new TextClassificationExample(encoded.InputIds[i]) { TokenTypeIds = encoded.TokenTypeIds?[i] }).ToList(), device);
                for (int b = 0; b < batch.Length; b++) results[batch[b]] = Rank(scores[b]);
                progress?.Report(start + batch.Length);
            }
        }
        finally
        {
            if (toggle) _model.train(wasTraining);
        }
        return results;
    }

    private float[][] ScoreBatch(IReadOnlyList<TextClassificationExample> examples, torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        var inputs = _collator.Collate(examples);
        if (device.type != DeviceType.CPU)
            inputs = inputs with { InputIds = inputs.InputIds.to(device), AttentionMask = inputs.AttentionMask?.to(device), TokenTypeIds = inputs.TokenTypeIds?.to(device) };
        var logits = _model.call(inputs).Logits
                     ?? throw new InvalidOperationException($"{_model.GetType().Name} returns no logits; use a sequence-classification model.");
        var scores = ApplyScoreFunction(logits.to(torch.float32)).cpu();
        int labels = (int)scores.shape[1];
        float[] flat = scores.data<float>().ToArray();
        return Enumerable.Range(0, examples.Count).Select(r => flat.AsSpan(r * labels, labels).ToArray()).ToArray();
    }

    private torch.Tensor ApplyScoreFunction(torch.Tensor logits)
    {
        var function = _options.ScoreFunction;
        if (function == ScoreFunction.Default)
        {
            bool independent = _model.Config.ProblemType == "multi_label_classification" || logits.shape[1] == 1;
            function = independent ? ScoreFunction.Sigmoid : ScoreFunction.Softmax;
        }
        return function switch
        {
            ScoreFunction.Softmax => logits.softmax(-1),
            ScoreFunction.Sigmoid => logits.sigmoid(),
            _ => logits,
        };
    }

    private IReadOnlyList<ClassificationResult> Rank(float[] scores) => ClassificationRanking.Rank(scores, _model.Config.Id2Label, _options.TopK);
}
