using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Data;

/// <summary>Options of <see cref="TokenClassificationDataset.FromWords"/>, with the meaning of HF <c>run_ner.py</c>'s arguments.</summary>
public sealed record TokenClassificationOptions
{
    /// <summary>Truncate to this many tokens, special tokens included (HF <c>max_seq_length</c>); null = the tokenizer's maximum.</summary>
    public int? MaxLength { get; init; }

    /// <summary>
    /// Give every sub-token of a word a label (HF <c>label_all_tokens</c>): the word's label, with <c>B-X</c> turned into
    /// <c>I-X</c> for the sub-tokens after the first when <c>I-X</c> is a label. Default false: only a word's first
    /// sub-token is labelled, the rest get −100.
    /// </summary>
    public bool LabelAllTokens { get; init; }
}

/// <summary>
/// A token-classification dataset built with HF <c>run_ner.py</c>'s <c>tokenize_and_align_labels</c>: each sentence is
/// tokenized from its words (<c>is_split_into_words</c>), then labels are aligned to tokens through
/// <see cref="BatchEncoding.WordIds"/>: special tokens get −100, a word's first sub-token gets the word's label, and
/// the other sub-tokens −100 (or a label, with <see cref="TokenClassificationOptions.LabelAllTokens"/>).
/// </summary>
public sealed class TokenClassificationDataset : IModelDataset
{
    private readonly TokenClassificationExample[] _examples;

    private TokenClassificationDataset(TokenClassificationExample[] examples, IReadOnlyList<string> labelList)
    {
        _examples = examples;
        LabelList = labelList;
    }

    /// <summary>Number of examples.</summary>
    public int Count => _examples.Length;

    /// <summary>Label names by id (the order of the <c>label2id</c> used to build the dataset).</summary>
    public IReadOnlyList<string> LabelList { get; }

    /// <summary>Example <paramref name="index"/>.</summary>
    public TokenClassificationExample this[int index] => _examples[index];

    ModelExample IModelDataset.this[int index] => _examples[index];

    /// <inheritdoc />
    public int LengthOf(int index) => _examples[index].InputIds.Length;

    /// <summary>
    /// The sorted distinct labels of the sentences (HF <c>get_label_list</c>: Python's <c>sorted(set(...))</c>, ordinal
    /// order); index = label id.
    /// </summary>
    public static IReadOnlyList<string> GetLabelList(IEnumerable<LabeledWords> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        return sentences.SelectMany(s => s.Labels ?? []).Distinct().Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Tokenizes sentences and aligns their word labels to tokens (see the class remarks).</summary>
    /// <param name="sentences">Words with one label per word.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="labelList">Label names by id (the model's <c>id2label</c>); e.g. <see cref="GetLabelList"/> of the train set.</param>
    /// <param name="options">Truncation and <c>label_all_tokens</c>.</param>
    /// <exception cref="ArgumentException">A sentence has a different number of words and labels, a label is not in
    /// <paramref name="labelList"/>, or a word is null; the message names the example (and word) index.</exception>
    public static TokenClassificationDataset FromWords(IReadOnlyList<LabeledWords> sentences, DistilBertTokenizer tokenizer,
        IReadOnlyList<string> labelList, TokenClassificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(labelList);
        options ??= new TokenClassificationOptions();
        var labelToId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < labelList.Count; i++)
        {
            if (!labelToId.TryAdd(labelList[i], i)) throw new ArgumentException($"Label '{labelList[i]}' appears twice in the label list.", nameof(labelList));
        }
        // HF's b_to_i_label: the id a later sub-token of a B-X word gets with label_all_tokens (I-X when it exists).
        var bToI = new int[labelList.Count];
        for (int i = 0; i < bToI.Length; i++)
        {
            string name = labelList[i];
            bToI[i] = name.StartsWith("B-", StringComparison.Ordinal) && labelToId.TryGetValue("I-" + name[2..], out int inside) ? inside : i;
        }

        var wordLists = new IReadOnlyList<string>[sentences.Count];
        for (int i = 0; i < sentences.Count; i++)
        {
            var sentence = sentences[i] ?? throw new ArgumentException($"Example {i} is null.", nameof(sentences));
            if (sentence.Words is null) throw new ArgumentException($"Example {i} has no word list.", nameof(sentences));
            if (sentence.Labels is null) throw new ArgumentException($"Example {i} has no labels; FromWords needs one label per word.", nameof(sentences));
            if (sentence.Words.Count != sentence.Labels.Count)
                throw new ArgumentException($"Example {i} has {sentence.Words.Count} words but {sentence.Labels.Count} labels; they must match one to one.", nameof(sentences));
            for (int w = 0; w < sentence.Labels.Count; w++)
            {
                if (sentence.Words[w] is null) throw new ArgumentException($"Example {i}: word {w} is null.", nameof(sentences));
                if (sentence.Labels[w] is null || !labelToId.ContainsKey(sentence.Labels[w]))
                    throw new ArgumentException(
                        $"Example {i}: word {w} ('{sentence.Words[w]}') has label '{sentence.Labels[w]}', which is not in the label list ({string.Join(", ", labelList)}).",
                        nameof(sentences));
            }
            wordLists[i] = sentence.Words;
        }

        var encoded = tokenizer.EncodeWordsBatch(wordLists, new EncodeOptions
        {
            Truncation = TruncationStrategy.LongestFirst, MaxLength = options.MaxLength ?? tokenizer.ModelMaxLength,
        });
        var examples = new TokenClassificationExample[sentences.Count];
        for (int i = 0; i < examples.Length; i++)
        {
            var labels = sentences[i].Labels!;
            var wordIds = encoded.WordIds(i);
            var aligned = new long[wordIds.Count];
            int? previous = null;
            for (int t = 0; t < aligned.Length; t++)
            {
                int? word = wordIds[t];
                if (word is not int w) aligned[t] = TokenClassificationExample.IgnoreIndex;
                else if (w != previous) aligned[t] = labelToId[labels[w]];
                else aligned[t] = options.LabelAllTokens ? bToI[labelToId[labels[w]]] : TokenClassificationExample.IgnoreIndex;
                previous = word;
            }
            examples[i] = new TokenClassificationExample(encoded.InputIds[i], aligned);
        }
        return new TokenClassificationDataset(examples, labelList.ToArray());
    }
}
