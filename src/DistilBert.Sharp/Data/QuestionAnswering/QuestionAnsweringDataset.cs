using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Data;

/// <summary>Options of <see cref="QuestionAnsweringDataset.Prepare"/>, with HF <c>run_qa.py</c>'s names and defaults.</summary>
public sealed record QuestionAnsweringOptions
{
    /// <summary>Tokens per feature, question + context window + 3 special tokens (HF <c>max_seq_length</c>, 384).</summary>
    public int MaxLength { get; init; } = 384;

    /// <summary>Context tokens shared by consecutive windows of a long context (HF <c>doc_stride</c>, 128).</summary>
    public int DocStride { get; init; } = 128;
}

/// <summary>
/// Question-answering features made with HF <c>run_qa.py</c>'s <c>prepare_train_features</c> and
/// <c>prepare_validation_features</c> in one pass: each (question, context) is tokenized as
/// <c>[CLS] question [SEP] context [SEP]</c> with <c>only_second</c> truncation; a long context becomes several
/// windows overlapping by <see cref="QuestionAnsweringOptions.DocStride"/> tokens. Each window's start/end positions are
/// the tokens holding the first answer's first and last char, or the [CLS] index (0) when the answer is not wholly
/// inside the window or there is none; its <see cref="QuestionAnsweringFeature.ContextOffsets"/> keep the context
/// tokens' char ranges for post-processing.
/// </summary>
public sealed class QuestionAnsweringDataset : IModelDataset
{
    private readonly QuestionAnsweringFeature[] _features;

    private QuestionAnsweringDataset(QuestionAnsweringFeature[] features, IReadOnlyList<QuestionAnsweringExample> examples)
    {
        _features = features;
        Examples = examples;
    }

    /// <summary>Number of features (windows).</summary>
    public int Count => _features.Length;

    /// <summary>The examples the features came from; <see cref="QuestionAnsweringFeature.ExampleIndex"/> indexes this list.</summary>
    public IReadOnlyList<QuestionAnsweringExample> Examples { get; }

    /// <summary>Feature <paramref name="index"/>.</summary>
    public QuestionAnsweringFeature this[int index] => _features[index];

    ModelExample IModelDataset.this[int index] => _features[index];

    /// <inheritdoc />
    public int LengthOf(int index) => _features[index].InputIds.Length;

    /// <summary>Tokenizes the examples into features (see the class summary).</summary>
    /// <exception cref="ArgumentException">An example's first answer does not lie inside its context (its text is not
    /// at its start index), a field is null, or the question leaves no room for context; the message names the example.</exception>
    public static QuestionAnsweringDataset Prepare(IReadOnlyList<QuestionAnsweringExample> examples, DistilBertTokenizer tokenizer,
        QuestionAnsweringOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(tokenizer);
        options ??= new QuestionAnsweringOptions();
        for (int i = 0; i < examples.Count; i++) Validate(examples[i], i);
        // HF strips the questions' leading whitespace: it would only waste room with some tokenizers.
        var questions = examples.Select(e => e.Question.TrimStart()).ToArray();
        var contexts = examples.Select(e => e.Context).ToArray();
        BatchEncoding encoded;
        try
        {
            encoded = tokenizer.EncodeBatch(questions, contexts, new EncodeOptions
            {
                Truncation = TruncationStrategy.OnlySecond, MaxLength = options.MaxLength, Stride = options.DocStride,
                ReturnOverflowingTokens = true, ReturnOffsets = true,
            }, cancellationToken);
        }
        catch (ArgumentException ex) when (ex.Message.StartsWith("Row ", StringComparison.Ordinal))
        {
            throw new ArgumentException("Example" + ex.Message[3..], nameof(examples), ex);
        }

        var features = new QuestionAnsweringFeature[encoded.Count];
        for (int f = 0; f < features.Length; f++)
        {
            int exampleIndex = encoded.OverflowToSampleMapping![f];
            var sequenceIds = encoded.SequenceIds(f);
            var offsets = encoded.Offsets![f];
            var contextOffsets = new (int, int)?[offsets.Length];
            int first = -1, last = -1;
            for (int t = 0; t < offsets.Length; t++)
            {
                if (sequenceIds[t] != 1) continue;
                contextOffsets[t] = offsets[t];
                if (first < 0) first = t;
                last = t;
            }
            var (start, end) = Positions(examples[exampleIndex], offsets, first, last);
            features[f] = new QuestionAnsweringFeature(encoded.InputIds[f], start, end)
            {
                ExampleIndex = exampleIndex, ContextOffsets = contextOffsets,
            };
        }
        return new QuestionAnsweringDataset(features, examples.ToArray());
    }

    /// <summary>
    /// HF's start/end rule: the [CLS] index (0) unless the answer's chars [start, end) lie inside the window's context
    /// tokens; then the token whose range contains the first char and the one containing the last. Unlike HF's loop,
    /// the search never walks past the context into [SEP] (HF can when the answer starts in the window's last token).
    /// </summary>
    private static (int Start, int End) Positions(QuestionAnsweringExample example, (int Start, int End)[] offsets, int first, int last)
    {
        if (example.Answers.Count == 0 || first < 0) return (0, 0);
        int startChar = example.Answers[0].Start;
        int endChar = startChar + example.Answers[0].Text.Length;
        if (!(offsets[first].Start <= startChar && offsets[last].End >= endChar)) return (0, 0);
        int startToken = first;
        while (startToken <= last && offsets[startToken].Start <= startChar) startToken++;
        int endToken = last;
        while (endToken >= first && offsets[endToken].End >= endChar) endToken--;
        return (startToken - 1, endToken + 1);
    }

    private static void Validate(QuestionAnsweringExample example, int index)
    {
        if (example is null) throw new ArgumentException($"Example {index} is null.", "examples");
        if (example.Question is null || example.Context is null || example.Answers is null)
            throw new ArgumentException($"Example {index} ('{example.Id}') has no {(example.Question is null ? "question" : example.Context is null ? "context" : "answer list")}.", "examples");
        for (int a = 0; a < example.Answers.Count; a++)
        {
            var answer = example.Answers[a];
            bool inside = answer?.Text is { Length: > 0 } text && answer.Start >= 0 && answer.Start + text.Length <= example.Context.Length
                && string.CompareOrdinal(example.Context, answer.Start, text, 0, text.Length) == 0;
            if (!inside)
                throw new ArgumentException(
                    $"Example {index} ('{example.Id}'): answer {a} ('{answer?.Text}' at char {answer?.Start}) is not a span of the context " +
                    $"(context length {example.Context.Length}); answer_start must point at the answer text.", "examples");
        }
    }
}
