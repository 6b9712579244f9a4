using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Tokenization;
using TorchSharp;

namespace DistilBert.Sharp.Inference;

/// <summary>
/// Named-entity recognition and other token tagging (HF's <c>pipeline("token-classification")</c>): tokenizes with
/// offsets, runs the model, softmaxes each token's logits and merges tokens into entities by the
/// <see cref="TokenClassificationPipelineOptions.AggregationStrategy"/>, with character offsets into the input text.
/// </summary>
/// <remarks>
/// Texts longer than <see cref="TokenClassificationPipelineOptions.MaxLength"/> are truncated (tokens past it get no
/// prediction) unless <see cref="TokenClassificationPipelineOptions.Stride"/> is set. Sub-words are recognised as HF does for WordPiece tokenizers: a token whose text length differs
/// from the text it covers ("##ing" vs "ing"); [UNK] tokens are never sub-words and show the original text.
/// The pipeline does not own the model or the tokenizer.
/// </remarks>
public sealed class TokenClassificationPipeline
{
    private readonly PreTrainedModel _model;
    private readonly DistilBertTokenizer _tokenizer;
    private readonly TokenClassificationPipelineOptions _options;
    private readonly DataCollatorForTokenClassification _collator;

    /// <summary>Creates the pipeline.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Batch size is not positive or the aggregation strategy is unknown.</exception>
    public TokenClassificationPipeline(PreTrainedModel model, DistilBertTokenizer tokenizer, TokenClassificationPipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        _options = options ?? new TokenClassificationPipelineOptions();
        if (_options.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), _options.BatchSize, "BatchSize must be positive.");
        if (!Enum.IsDefined(_options.AggregationStrategy))
            throw new ArgumentOutOfRangeException(nameof(options), _options.AggregationStrategy, "Unknown AggregationStrategy.");
        if (_options.Stride is int stride && (stride < 0 || _options.AggregationStrategy == AggregationStrategy.None))
            throw new ArgumentException(
                stride < 0 ? $"Stride must not be negative, got {stride}."
                    : "Stride tags the whole text in windows but needs an AggregationStrategy other than None to merge them (as in HF).", nameof(options));
        _model = model;
        _tokenizer = tokenizer;
        _collator = new DataCollatorForTokenClassification(tokenizer.PadTokenId);
    }

    /// <summary>Tags one text.</summary>
    public IReadOnlyList<TokenClassificationResult> Predict(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return PredictBatch([text])[0];
    }

    /// <summary>Tags many texts; the i-th result belongs to the i-th text.</summary>
    /// <param name="texts">The texts (none null).</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    public IReadOnlyList<IReadOnlyList<TokenClassificationResult>> PredictBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        for (int i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null) throw new ArgumentNullException(nameof(texts), $"Text {i} is null.");
        }
        TorchRuntime.EnsureLoaded();
        var encoded = _tokenizer.EncodeBatch(texts, new EncodeOptions
        {
            Truncation = TruncationStrategy.LongestFirst, MaxLength = _options.MaxLength ?? _tokenizer.ModelMaxLength,
            ReturnOffsets = true, ReturnSpecialTokensMask = true,
            ReturnOverflowingTokens = _options.Stride is not null, Stride = _options.Stride ?? 0,
        }, cancellationToken);
        // Without a stride each text is one row; with one, a text may span several windows (rows).
        var textOf = encoded.OverflowToSampleMapping ?? Enumerable.Range(0, texts.Count).ToArray();
        var perText = Enumerable.Range(0, texts.Count).Select(_ => new List<List<TokenClassificationResult>>()).ToArray();
        var labels = Labels();
        var ignore = _options.IgnoreLabels.ToHashSet(StringComparer.Ordinal);
        torch.Device device = _options.Device ?? _model.parameters().First().device;
        bool wasTraining = _model.training;
        _model.eval();
        try
        {
            using var inference = torch.inference_mode();
            for (int start = 0; start < encoded.Count; start += _options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(_options.BatchSize, encoded.Count - start);
                float[][][] scores = ScoreBatch(Enumerable.Range(start, count).Select(i => encoded.InputIds[i]).ToArray(), device);
                for (int b = 0; b < count; b++)
                {
                    int row = start + b;
                    string text = texts[textOf[row]];
                    var tokens = PreEntities(text, encoded.InputIds[row], encoded.Offsets![row], encoded.SpecialTokensMask![row], scores[b]);
                    perText[textOf[row]].Add(TokenAggregator.Aggregate(tokens, _options.AggregationStrategy, labels, ignore));
                }
            }
        }
        finally
        {
            _model.train(wasTraining);
        }
        return perText.Select(windows => (IReadOnlyList<TokenClassificationResult>)(windows.Count == 1
            ? windows[0]
            : TokenAggregator.MergeOverlapping(windows.SelectMany(w => w)))).ToArray();
    }

    private string[] Labels()
    {
        var map = _model.Config.Id2Label;
        return Enumerable.Range(0, _model.Config.NumLabels).Select(i => map.TryGetValue(i, out var name) ? name : $"LABEL_{i}").ToArray();
    }

    /// <summary>Softmax scores per token: [row][token][label].</summary>
    private float[][][] ScoreBatch(int[][] rows, torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        var inputs = _collator.Collate(rows.Select(r => new TokenClassificationExample(r)).ToArray());
        if (device.type != DeviceType.CPU)
            inputs = inputs with { InputIds = inputs.InputIds.to(device), AttentionMask = inputs.AttentionMask?.to(device) };
        var logits = _model.call(inputs).Logits
                     ?? throw new InvalidOperationException($"{_model.GetType().Name} returns no logits; use a token-classification model.");
        if (logits.dim() != 3)
            throw new InvalidOperationException($"{_model.GetType().Name} returns logits of shape [{string.Join(", ", logits.shape)}]; token classification needs [batch, seq, num_labels].");
        var probabilities = logits.to(torch.float32).softmax(-1).cpu();
        int seq = (int)probabilities.shape[1], width = (int)probabilities.shape[2];
        float[] flat = probabilities.data<float>().ToArray();
        return rows.Select((r, b) => Enumerable.Range(0, r.Length)
            .Select(t => flat.AsSpan((b * seq + t) * width, width).ToArray()).ToArray()).ToArray();
    }

    /// <summary>HF <c>gather_pre_entities</c>: non-special tokens with their scores, offsets and sub-word flag.</summary>
    private List<PreEntity> PreEntities(string text, int[] ids, (int Start, int End)[] offsets, int[] special, float[][] scores)
    {
        var tokens = new List<PreEntity>(ids.Length);
        for (int t = 0; t < ids.Length; t++)
        {
            if (special[t] == 1) continue;
            var (start, end) = offsets[t];
            string word = _tokenizer.ConvertIdsToTokens([ids[t]])[0];
            string reference = text[start..end];
            bool isSubword = word.Length != reference.Length;
            if (ids[t] == _tokenizer.UnkTokenId)
            {
                word = reference;
                isSubword = false;
            }
            tokens.Add(new PreEntity(word, scores[t], start, end, t, isSubword));
        }
        return tokens;
    }
}
