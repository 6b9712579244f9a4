using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;

namespace DistilBert.Sharp.Training.Metrics;

/// <summary>
/// One evaluation batch as the <see cref="Trainer"/> hands it to an <see cref="IBatchMetric"/>. The output's tensors
/// are valid only during <see cref="IBatchMetric.Update"/> (they are freed with the batch).
/// </summary>
/// <param name="Dataset">The dataset being evaluated.</param>
/// <param name="Indices">Which examples of <paramref name="Dataset"/> the batch rows are, in row order.</param>
/// <param name="Output">The model's output for the batch.</param>
public sealed record EvalBatch(IModelDataset Dataset, IReadOnlyList<int> Indices, ModelOutput Output);

/// <summary>
/// A metric accumulated batch by batch (HF's <c>compute_metrics</c> with <c>batch_eval_metrics=True</c>): the trainer
/// calls <see cref="Reset"/>, then <see cref="Update"/> per batch, then <see cref="Compute"/>.
/// </summary>
public interface IBatchMetric
{
    /// <summary>Forgets everything accumulated (called at the start of each evaluation).</summary>
    void Reset();

    /// <summary>Accumulates what the metric needs from one batch (copy values out: tensors are freed after the call).</summary>
    void Update(EvalBatch batch);

    /// <summary>The metric values (keys without prefix, e.g. <c>f1</c>); the trainer adds <c>eval_</c>.</summary>
    IReadOnlyDictionary<string, double> Compute();
}
