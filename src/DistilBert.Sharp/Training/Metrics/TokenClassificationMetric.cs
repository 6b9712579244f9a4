using DistilBert.Sharp.Data;
using TorchSharp;

namespace DistilBert.Sharp.Training.Metrics;

/// <summary>
/// HF <c>run_ner.py</c>'s <c>compute_metrics</c> as a batch metric: per example, the arg-max label of every token whose
/// gold label is not −100 (so one prediction per word with first-sub-token alignment), turned into tag names and
/// scored with <see cref="EntityMetrics"/> (seqeval, strict IOB2). Nothing but counts is kept between batches.
/// </summary>
/// <param name="labelList">Label names by id (the model's <c>id2label</c>).</param>
public sealed class TokenClassificationMetric(IReadOnlyList<string> labelList) : IBatchMetric
{
    private readonly IReadOnlyList<string> _labels = labelList ?? throw new ArgumentNullException(nameof(labelList));
    private EntityMetrics _metrics = new();

    /// <inheritdoc />
    public void Reset() => _metrics = new EntityMetrics();

    /// <inheritdoc />
    public void Update(EvalBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var logits = batch.Output.Logits ?? throw new InvalidOperationException("Token classification needs a model that returns logits [batch, seq, num_labels].");
        if (logits.dim() != 3) throw new InvalidOperationException($"Token classification needs logits [batch, seq, num_labels]; got [{string.Join(", ", logits.shape)}].");
        long seq = logits.shape[1];
        long[] predicted;
        using (var scope = torch.NewDisposeScope())
            predicted = logits.argmax(-1).cpu().data<long>().ToArray();
        for (int row = 0; row < batch.Indices.Count; row++)
        {
            int index = batch.Indices[row];
            if (batch.Dataset[index] is not TokenClassificationExample { Labels: { } gold })
                throw new InvalidOperationException($"Example {index} has no token labels; entity metrics need a labelled TokenClassificationDataset.");
            var goldTags = new List<string>();
            var predictedTags = new List<string>();
            for (int t = 0; t < gold.Length; t++)
            {
                if (gold[t] == TokenClassificationExample.IgnoreIndex) continue;
                goldTags.Add(Name(gold[t], index));
                predictedTags.Add(Name(predicted[row * seq + t], index));
            }
            _metrics.Add(goldTags, predictedTags, index);
        }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Compute() => _metrics.Result().ToDictionary();

    private string Name(long id, int example) => id >= 0 && id < _labels.Count
        ? _labels[(int)id]
        : throw new InvalidOperationException($"Example {example}: label id {id} is outside the label list ({_labels.Count} labels).");
}
