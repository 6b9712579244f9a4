using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Runtime;
using TorchSharp;

namespace DistilBert.Sharp.Data;

/// <summary>
/// HF's <c>DataCollatorForTokenClassification</c>: pads ids (with the pad id), the attention mask, token type ids (with
/// 0) and the per-token labels (with −100, so padding never counts in the loss) to the longest example of the batch.
/// </summary>
public sealed class DataCollatorForTokenClassification : IModelDataCollator
{
    /// <summary>Creates the collator.</summary>
    /// <param name="padTokenId">Id written into padded positions (HF's <c>pad_token_id</c>).</param>
    /// <param name="padToMultipleOf">When set, the padded length is rounded up to a multiple of it.</param>
    /// <param name="labelPadTokenId">Label written into padded positions (HF's <c>label_pad_token_id</c>, −100).</param>
    public DataCollatorForTokenClassification(int padTokenId = 0, int? padToMultipleOf = null, long labelPadTokenId = TokenClassificationExample.IgnoreIndex)
    {
        _padding = new DataCollatorWithPadding(padTokenId, padToMultipleOf);
        LabelPadTokenId = labelPadTokenId;
    }

    private readonly DataCollatorWithPadding _padding;

    /// <summary>Label written into padded positions.</summary>
    public long LabelPadTokenId { get; }

    /// <summary>Builds <c>input_ids</c>, <c>attention_mask</c>, optional <c>token_type_ids</c> and labels, all [batch, seq].</summary>
    /// <exception cref="ArgumentException">The batch is empty, holds another example kind, mixes labelled and
    /// unlabelled examples, or an example has a label count different from its token count.</exception>
    public ModelInputs Collate(IReadOnlyList<ModelExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("Cannot collate an empty batch.", nameof(examples));
        TorchRuntime.EnsureLoaded();
        int seq = _padding.PaddedLength(examples.Max(e => e.InputIds.Length));
        var rows = new TokenClassificationExample[examples.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = examples[i] as TokenClassificationExample ?? throw new ArgumentException(
                $"DataCollatorForTokenClassification collates TokenClassificationExample; example {i} of the batch is a {examples[i]?.GetType().Name ?? "null"}.", nameof(examples));
            if (rows[i].Labels is { } l && l.Length != rows[i].InputIds.Length)
                throw new ArgumentException($"Example {i} of the batch has {rows[i].InputIds.Length} tokens but {l.Length} labels.", nameof(examples));
            if ((rows[i].Labels is null) != (rows[0].Labels is null))
                throw new ArgumentException($"Example {i} of the batch {(rows[i].Labels is null ? "has no labels but example 0 has" : "has labels but example 0 has none")}.", nameof(examples));
        }
        var (ids, mask, types, batch) = DataCollatorWithPadding.PadInputs(examples, _padding.PadTokenId, seq);
        torch.Tensor? labels = null;
        if (rows[0].Labels is not null)
        {
            long[] flat = new long[batch * seq];
            Array.Fill(flat, LabelPadTokenId);
            for (int b = 0; b < batch; b++) rows[b].Labels!.CopyTo(flat, b * seq);
            labels = torch.tensor(flat, new long[] { batch, seq }, torch.int64);
        }
        return new ModelInputs(ids, mask, types, labels);
    }
}
