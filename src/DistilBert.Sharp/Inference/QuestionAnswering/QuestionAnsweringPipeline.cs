using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Tokenization;
using TorchSharp;

namespace DistilBert.Sharp.Inference;

/// <summary>
/// Extractive question answering (HF's <c>pipeline("question-answering")</c>): the context is cut into overlapping
/// windows beside the question, each window's start and end logits are softmaxed over its context tokens (and [CLS]),
/// spans score start × end probability within <see cref="QuestionAnsweringPipelineOptions.MaxAnswerLength"/> tokens,
/// and the best spans over all windows are returned with character offsets into the context.
/// </summary>
/// <remarks>The pipeline does not own the model or the tokenizer.</remarks>
public sealed class QuestionAnsweringPipeline
{
    private readonly PreTrainedModel _model;
    private readonly DistilBertTokenizer _tokenizer;
    private readonly QuestionAnsweringPipelineOptions _options;
    private readonly DataCollatorWithPadding _collator;

    /// <summary>Creates the pipeline.</summary>
    /// <exception cref="ArgumentOutOfRangeException">TopK, MaxAnswerLength or BatchSize is not positive.</exception>
    public QuestionAnsweringPipeline(PreTrainedModel model, DistilBertTokenizer tokenizer, QuestionAnsweringPipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        _options = options ?? new QuestionAnsweringPipelineOptions();
        if (_options.TopK <= 0) throw new ArgumentOutOfRangeException(nameof(options), _options.TopK, "TopK must be positive.");
        if (_options.MaxAnswerLength <= 0) throw new ArgumentOutOfRangeException(nameof(options), _options.MaxAnswerLength, "MaxAnswerLength must be positive.");
        if (_options.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), _options.BatchSize, "BatchSize must be positive.");
        _model = model;
        _tokenizer = tokenizer;
        _collator = new DataCollatorWithPadding(tokenizer.PadTokenId);
    }

    /// <summary>Answers one question about one context: the top-k answers, best first.</summary>
    public IReadOnlyList<QuestionAnsweringResult> Predict(string question, string context)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(context);
        return PredictBatch([question], [context])[0];
    }

    /// <summary>Answers <paramref name="questions"/>[i] about <paramref name="contexts"/>[i].</summary>
    /// <exception cref="ArgumentException">The lists differ in length, or a question is too long to leave room for context.</exception>
    public IReadOnlyList<IReadOnlyList<QuestionAnsweringResult>> PredictBatch(IReadOnlyList<string> questions, IReadOnlyList<string> contexts,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(questions);
        ArgumentNullException.ThrowIfNull(contexts);
        if (questions.Count != contexts.Count)
            throw new ArgumentException($"{questions.Count} questions but {contexts.Count} contexts; pair {Math.Min(questions.Count, contexts.Count)} has no partner.", nameof(contexts));
        TorchRuntime.EnsureLoaded();
        int maxSeq = _options.MaxSeqLength ?? Math.Min(384, _tokenizer.ModelMaxLength);
        var encoded = _tokenizer.EncodeBatch(questions.Select(q => q?.TrimStart()!).ToList(), contexts, new EncodeOptions
        {
            Truncation = TruncationStrategy.OnlySecond, MaxLength = maxSeq, Stride = _options.DocStride ?? Math.Min(maxSeq / 2, 128),
            ReturnOverflowingTokens = true, ReturnOffsets = true,
        }, cancellationToken);

        var answers = Enumerable.Range(0, questions.Count).Select(_ => new List<QuestionAnsweringResult>()).ToArray();
        var minNull = Enumerable.Repeat(double.MaxValue, questions.Count).ToArray();
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
                var (starts, ends, seq) = Logits(Enumerable.Range(start, count).Select(i => encoded.InputIds[i]).ToArray(), device);
                for (int b = 0; b < count; b++)
                {
                    int row = start + b, example = encoded.OverflowToSampleMapping![row];
                    Decode(starts.AsSpan(b * seq, encoded.InputIds[row].Length), ends.AsSpan(b * seq, encoded.InputIds[row].Length),
                        encoded.SequenceIds(row), encoded.Offsets![row], contexts[example], answers[example], ref minNull[example]);
                }
            }
        }
        finally
        {
            _model.train(wasTraining);
        }
        return answers.Select((list, i) =>
        {
            if (_options.HandleImpossibleAnswer) list.Add(new QuestionAnsweringResult(minNull[i], 0, 0, ""));
            // Stable: equal scores keep window order, as Python's sorted does.
            return (IReadOnlyList<QuestionAnsweringResult>)list.OrderByDescending(a => a.Score).Take(_options.TopK).ToArray();
        }).ToArray();
    }

    private (float[] Starts, float[] Ends, int Seq) Logits(int[][] rows, torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        var inputs = _collator.Collate(rows.Select(r => new QuestionAnsweringFeature(r)).ToArray());
        if (device.type != DeviceType.CPU)
            inputs = inputs with { InputIds = inputs.InputIds.to(device), AttentionMask = inputs.AttentionMask?.to(device) };
        if (_model.call(inputs) is not QuestionAnsweringOutput { StartLogits: { } start, EndLogits: { } end })
            throw new InvalidOperationException($"{_model.GetType().Name} returns no start/end logits; use a question-answering model.");
        return (start.to(torch.float32).cpu().data<float>().ToArray(), end.to(torch.float32).cpu().data<float>().ToArray(), (int)start.shape[1]);
    }

    /// <summary>HF's per-window post-processing: masked softmax, null score, then <c>decode_spans</c>.</summary>
    private void Decode(ReadOnlySpan<float> startLogits, ReadOnlySpan<float> endLogits, IReadOnlyList<int?> sequenceIds,
        (int Start, int End)[] offsets, string context, List<QuestionAnsweringResult> answers, ref double minNull)
    {
        int n = startLogits.Length;
        // Wanted tokens: the context and [CLS] (HF's p_mask leaves [CLS] open for the null answer).
        var wanted = new bool[n];
        for (int t = 0; t < n; t++) wanted[t] = sequenceIds[t] == 1 || t == 0;
        double[] start = Softmax(startLogits, wanted), end = Softmax(endLogits, wanted);
        if (_options.HandleImpossibleAnswer) minNull = Math.Min(minNull, start[0] * end[0]);
        start[0] = end[0] = 0;

        // decode_spans: the top-k of start[i]·end[j] over j in [i, i + max_answer_len), chosen before dropping
        // unwanted tokens (so fewer than k may remain, as in HF).
        var spans = new List<(int I, int J, double Score)>();
        for (int i = 0; i < n; i++)
            for (int j = i; j < Math.Min(n, i + _options.MaxAnswerLength); j++) spans.Add((i, j, start[i] * end[j]));
        foreach (var (i, j, score) in spans.OrderByDescending(s => s.Score).Take(_options.TopK))
        {
            if (!wanted[i] || !wanted[j]) continue;
            int from = offsets[i].Start, to = offsets[j].End;
            answers.Add(new QuestionAnsweringResult(score, from, to, context[from..to]));
        }
    }

    private static double[] Softmax(ReadOnlySpan<float> logits, bool[] wanted)
    {
        var values = new double[logits.Length];
        double max = double.MinValue;
        for (int t = 0; t < values.Length; t++)
        {
            values[t] = wanted[t] ? logits[t] : -10000.0;
            max = Math.Max(max, values[t]);
        }
        double sum = 0;
        for (int t = 0; t < values.Length; t++) sum += values[t] = Math.Exp(values[t] - max);
        for (int t = 0; t < values.Length; t++) values[t] /= sum;
        return values;
    }
}
