using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;

namespace DistilBert.Sharp.Training;

public sealed partial class Trainer
{
    /// <summary>
    /// Metrics computed batch by batch during <see cref="Evaluate"/> / <see cref="Predict"/> (HF's
    /// <c>batch_eval_metrics=True</c>): each batch's outputs are handed to it and then freed, so no logits of the whole
    /// eval set are kept. Use <see cref="Metrics.TokenClassificationMetric"/> for entity P/R/F1 and
    /// <see cref="Metrics.SquadMetric"/> for extractive QA. When set, <see cref="PredictionOutput.Predictions"/> stays
    /// empty; its values join the metrics with the key prefix, next to any <c>computeMetrics</c> ones.
    /// </summary>
    public Metrics.IBatchMetric? BatchEvalMetrics { get; set; }

    /// <summary>Hands one evaluation batch to <see cref="BatchEvalMetrics"/>; false when none is set.</summary>
    private bool FeedBatchEvalMetrics(IModelDataset ds, int[] indices, ModelOutput output)
    {
        if (BatchEvalMetrics is null) return false;
        BatchEvalMetrics.Update(new Metrics.EvalBatch(ds, indices, output));
        return true;
    }

    private void AddBatchEvalMetrics(Dictionary<string, double> metrics, string prefix)
    {
        if (BatchEvalMetrics is null) return;
        foreach (var (k, v) in BatchEvalMetrics.Compute())
            metrics[k.StartsWith(prefix + "_", StringComparison.Ordinal) ? k : $"{prefix}_{k}"] = v;
    }
}
