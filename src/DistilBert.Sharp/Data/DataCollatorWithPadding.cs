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
public sealed class DataCollatorWithPadding : IDataCollator
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
    public ModelInputs Collate(IReadOnlyList<TextClassificationExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("Cannot collate an empty batch.", nameof(examples));
        TorchRuntime.EnsureLoaded();

        int batch = examples.Count;
        int seq = PaddedLength(examples.Max(e => e.InputIds.Length));
        // Fill flat managed buffers first and make one tensor each: one native call per tensor, not per token.
        long[] ids = new long[batch * seq];
        long[] mask = new long[batch * seq];
        if (PadTokenId != 0) Array.Fill(ids, PadTokenId);
        for (int b = 0; b < batch; b++)
        {
            int[] row = examples[b].InputIds;
            for (int t = 0; t < row.Length; t++)
            {
                ids[b * seq + t] = row[t];
                mask[b * seq + t] = 1;
            }
        }

        var inputIds = torch.tensor(ids, new long[] { batch, seq }, torch.int64);
        var attentionMask = torch.tensor(mask, new long[] { batch, seq }, torch.int64);
        return new ModelInputs(inputIds, attentionMask, Labels: CollateLabels(examples));
    }

    private static torch.Tensor? CollateLabels(IReadOnlyList<TextClassificationExample> examples)
    {
        var first = examples[0];
        if (first.ClassLabel is not null)
        {
            long[] labels = new long[examples.Count];
            for (int i = 0; i < labels.Length; i++)
                labels[i] = examples[i].ClassLabel ?? throw new ArgumentException($"Example {i} of the batch has no class label but example 0 has one.");
            return torch.tensor(labels, torch.int64);
        }
        if (first.FloatLabels is not null)
        {
            int width = first.FloatLabels.Length;
            float[] labels = new float[examples.Count * width];
            for (int i = 0; i < examples.Count; i++)
            {
                float[] row = examples[i].FloatLabels ?? throw new ArgumentException($"Example {i} of the batch has no labels but example 0 has some.");
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
            if (examples[i].ClassLabel is not null || examples[i].FloatLabels is not null)
                throw new ArgumentException($"Example {i} of the batch has a label but example 0 has none.");
        }
        return null;
    }
}
