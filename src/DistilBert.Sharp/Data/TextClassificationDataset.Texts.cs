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
}
