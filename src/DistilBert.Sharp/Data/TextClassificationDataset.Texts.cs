using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Data;

public sealed partial class TextClassificationDataset
{
    /// <summary>
    /// Tokenizes labelled texts into a single-label dataset (HF's <c>dataset.map(tokenize, batched=True)</c>): no
    /// padding (the collator pads each batch), truncation to <see cref="EncodeOptions.MaxLength"/> — by default HF's
    /// <c>truncation=True</c> at the tokenizer's <c>model_max_length</c>.
    /// </summary>
    /// <param name="items">Texts with class labels, e.g. from <see cref="LabeledTextFolder.Load"/> or <see cref="ImdbDataset.LoadSplit"/>.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="options">Truncation settings; padding must be <see cref="PaddingStrategy.None"/>.</param>
    /// <param name="progress">Receives the number of texts tokenized so far (in chunks of a few thousand).</param>
    /// <param name="cancellationToken">Stops between chunks.</param>
    /// <exception cref="ArgumentException">Padding was requested (a dataset stores unpadded ids).</exception>
    public static TextClassificationDataset FromLabeledTexts(IReadOnlyList<LabeledText> items, DistilBertTokenizer tokenizer,
        EncodeOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(tokenizer);
        options ??= new EncodeOptions { Truncation = TruncationStrategy.LongestFirst, MaxLength = tokenizer.ModelMaxLength };
        if (options.Padding != PaddingStrategy.None)
            throw new ArgumentException($"Padding = {options.Padding}: a dataset stores unpadded ids; DataCollatorWithPadding pads each batch.", nameof(options));

        // Chunks keep progress reports regular while each chunk still uses every core inside EncodeBatch.
        const int chunkSize = 2048;
        var ids = new List<int[]>(items.Count);
        for (int start = 0; start < items.Count; start += chunkSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var texts = new string[Math.Min(chunkSize, items.Count - start)];
            for (int i = 0; i < texts.Length; i++) texts[i] = items[start + i].Text;
            ids.AddRange(tokenizer.EncodeBatch(texts, options, cancellationToken).InputIds);
            progress?.Report(ids.Count);
        }
        var labels = new int[items.Count];
        for (int i = 0; i < labels.Length; i++) labels[i] = items[i].Label;
        return FromClassLabels(ids, labels);
    }

    /// <summary>
    /// Tokenizes labelled text pairs (HF <c>run_glue.py</c> with two text columns): <c>[CLS] a [SEP] b [SEP]</c> with
    /// segment ids 0/1, no padding, truncation <c>longest_first</c> to <see cref="EncodeOptions.MaxLength"/> by default.
    /// </summary>
    /// <param name="texts">First texts.</param>
    /// <param name="textPairs">Second texts, one per first text.</param>
    /// <param name="labels">Class index per pair.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="options">Truncation settings; padding must be <see cref="PaddingStrategy.None"/>; token type ids are always returned.</param>
    /// <param name="cancellationToken">Stops the tokenization.</param>
    /// <exception cref="ArgumentException">The three lists differ in length, a text is null, or a label is negative; the message names the example.</exception>
    public static TextClassificationDataset FromLabeledTextPairs(IReadOnlyList<string> texts, IReadOnlyList<string> textPairs,
        IReadOnlyList<int> labels, DistilBertTokenizer tokenizer, EncodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(textPairs);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (texts.Count != textPairs.Count || texts.Count != labels.Count)
            throw new ArgumentException(
                $"Got {texts.Count} texts, {textPairs.Count} text pairs and {labels.Count} labels; they must match one to one " +
                $"(example {Math.Min(texts.Count, Math.Min(textPairs.Count, labels.Count))} is the first without a partner).");
        for (int i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null) throw new ArgumentException($"Example {i}: the first text is null.", nameof(texts));
            if (textPairs[i] is null) throw new ArgumentException($"Example {i}: the second text is null.", nameof(textPairs));
        }
        options ??= new EncodeOptions { Truncation = TruncationStrategy.LongestFirst, MaxLength = tokenizer.ModelMaxLength };
        if (options.Padding != PaddingStrategy.None)
            throw new ArgumentException($"Padding = {options.Padding}: a dataset stores unpadded ids; the collator pads each batch.", nameof(options));
        var encoded = tokenizer.EncodeBatch(texts, textPairs, options with { ReturnTokenTypeIds = true }, cancellationToken);
        return FromClassLabels(encoded.InputIds, encoded.TokenTypeIds!, labels);
    }
}
