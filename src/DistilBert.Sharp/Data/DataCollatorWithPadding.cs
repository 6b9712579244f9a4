using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Runtime;
using TorchSharp;

namespace DistilBert.Sharp.Data;

/// <summary>
/// Turns a list of examples into one padded batch (HF's <c>DataCollatorWithPadding</c> with <c>padding="longest"</c>):
/// right padding to the longest example, optionally rounded up to a multiple, attention mask 1 = attend / 0 = pad.
/// </summary>
/// <remarks>
/// This is the only place in the library where batch tensors are created. The tensors are created in the caller's
/// current dispose scope, so a training step's scope frees them.
/// </remarks>
public sealed class DataCollatorWithPadding : IDataCollator, IModelDataCollator
{
    /// <summary>Creates the collator.</summary>
    /// <param name="padTokenId">Id written into padded positions (HF's <c>pad_token_id</c>, 0 for BERT vocabularies).</param>
    /// <param name="padToMultipleOf">When set, the padded length is rounded up to a multiple of it (e.g. 8 for tensor cores).</param>
    public DataCollatorWithPadding(int padTokenId = 0, int? padToMultipleOf = null)
    {
        if (padToMultipleOf is <= 0)
            throw new ArgumentOutOfRangeException(nameof(padToMultipleOf), padToMultipleOf, "pad_to_multiple_of must be positive when set.");
        PadTokenId = padTokenId;
        PadToMultipleOf = padToMultipleOf;
    }

    /// <summary>Id written into padded positions.</summary>
    public int PadTokenId { get; }

    /// <summary>Optional multiple the padded length is rounded up to.</summary>
    public int? PadToMultipleOf { get; }

    /// <summary>The padded length for a batch whose longest example has <paramref name="longest"/> tokens.</summary>
    public int PaddedLength(int longest)
    {
        if (PadToMultipleOf is not int m) return longest;
        return (longest + m - 1) / m * m;
    }

    /// <summary>Builds the batch: int64 <c>input_ids</c> and <c>attention_mask</c> [batch, seq], and labels when present.</summary>
    /// <exception cref="ArgumentException">The list is empty or mixes labelled and unlabelled examples.</exception>
    public ModelInputs Collate(IReadOnlyList<TextClassificationExample> examples) => Collate((IReadOnlyList<ModelExample>)examples);

    /// <summary>
    /// Builds the batch of any examples with per-example targets: <c>input_ids</c>, <c>attention_mask</c>,
    /// <c>token_type_ids</c> (padded with 0) when an example has them, and labels: class ids [batch], regression
    /// targets [batch], multi-hot [batch, num_labels], or for <see cref="QuestionAnsweringFeature"/> start/end
    /// positions [batch, 2] (the layout <see cref="Modeling.DistilBertForQuestionAnswering"/> takes).
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty, mixes labelled and unlabelled examples, or holds
    /// per-token labels (use <see cref="DataCollatorForTokenClassification"/>).</exception>
    public ModelInputs Collate(IReadOnlyList<ModelExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("Cannot collate an empty batch.", nameof(examples));
        TorchRuntime.EnsureLoaded();
        var (inputIds, attentionMask, tokenTypeIds, _) = PadInputs(examples, PadTokenId, PaddedLength(examples.Max(e => e.InputIds.Length)));
        return new ModelInputs(inputIds, attentionMask, tokenTypeIds, CollateLabels(examples));
    }

    /// <summary>
    /// Right-pads ids (with <paramref name="padTokenId"/>), the attention mask and — when any example has them — token
    /// type ids (with 0) to <paramref name="seq"/>; returns the tensors and the batch size.
    /// </summary>
    internal static (torch.Tensor InputIds, torch.Tensor AttentionMask, torch.Tensor? TokenTypeIds, int Batch) PadInputs(
        IReadOnlyList<ModelExample> examples, int padTokenId, int seq)
    {
        int batch = examples.Count;
        bool withTypes = examples.Any(e => e.TokenTypeIds is not null);
        // Fill flat managed buffers first and make one tensor each: one native call per tensor, not per token.
        long[] ids = new long[batch * seq];
        long[] mask = new long[batch * seq];
        long[]? types = withTypes ? new long[batch * seq] : null;
        if (padTokenId != 0) Array.Fill(ids, padTokenId);
        for (int b = 0; b < batch; b++)
        {
            int[] row = examples[b].InputIds;
            int[]? typeRow = examples[b].TokenTypeIds;
            if (typeRow is not null && typeRow.Length != row.Length)
                throw new ArgumentException($"Example {b} of the batch has {row.Length} token ids but {typeRow.Length} token type ids.", nameof(examples));
            for (int t = 0; t < row.Length; t++)
            {
                ids[b * seq + t] = row[t];
                mask[b * seq + t] = 1;
                if (typeRow is not null) types![b * seq + t] = typeRow[t];
            }
        }
        var shape = new long[] { batch, seq };
        return (torch.tensor(ids, shape, torch.int64), torch.tensor(mask, shape, torch.int64),
            types is null ? null : torch.tensor(types, shape, torch.int64), batch);
    }

    private static torch.Tensor? CollateLabels(IReadOnlyList<ModelExample> examples)
    {
        if (examples[0] is QuestionAnsweringFeature { StartPosition: not null }) return CollatePositions(examples);
        if (examples[0] is TokenClassificationExample { Labels: not null })
            throw new ArgumentException("Per-token labels need DataCollatorForTokenClassification (it pads labels with -100).", nameof(examples));
        var first = examples[0] as TextClassificationExample;
        if (first?.ClassLabel is not null)
        {
            long[] labels = new long[examples.Count];
            for (int i = 0; i < labels.Length; i++)
                labels[i] = (examples[i] as TextClassificationExample)?.ClassLabel ?? throw new ArgumentException($"Example {i} of the batch has no class label but example 0 has one.");
            return torch.tensor(labels, torch.int64);
        }
        if (first?.FloatLabels is not null)
        {
            int width = first.FloatLabels.Length;
            float[] labels = new float[examples.Count * width];
            for (int i = 0; i < examples.Count; i++)
            {
                float[] row = (examples[i] as TextClassificationExample)?.FloatLabels ?? throw new ArgumentException($"Example {i} of the batch has no labels but example 0 has some.");
                if (row.Length != width) throw new ArgumentException($"Example {i} has {row.Length} label values, example 0 has {width}.");
                row.CopyTo(labels, i * width);
            }
            // Regression targets are [batch] (HF squeezes num_labels == 1); multi-hot targets are [batch, num_labels].
            return width == 1
                ? torch.tensor(labels, torch.float32)
                : torch.tensor(labels, new long[] { examples.Count, width }, torch.float32);
        }
        for (int i = 1; i < examples.Count; i++)
        {
            if (examples[i] is TextClassificationExample { ClassLabel: not null } or TextClassificationExample { FloatLabels: not null }
                or QuestionAnsweringFeature { StartPosition: not null } or TokenClassificationExample { Labels: not null })
                throw new ArgumentException($"Example {i} of the batch has a label but example 0 has none.");
        }
        return null;
    }

    private static torch.Tensor CollatePositions(IReadOnlyList<ModelExample> examples)
    {
        long[] positions = new long[examples.Count * 2];
        for (int i = 0; i < examples.Count; i++)
        {
            if (examples[i] is not QuestionAnsweringFeature { StartPosition: int start, EndPosition: int end })
                throw new ArgumentException($"Example {i} of the batch has no start/end positions but example 0 has them.");
            positions[2 * i] = start;
            positions[2 * i + 1] = end;
        }
        return torch.tensor(positions, new long[] { examples.Count, 2 }, torch.int64);
    }
}
