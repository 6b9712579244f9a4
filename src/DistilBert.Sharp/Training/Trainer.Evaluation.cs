using System.Diagnostics;
using DistilBert.Sharp.Data;
using TorchSharp;

namespace DistilBert.Sharp.Training;

public sealed partial class Trainer
{
    /// <summary>
    /// Evaluates on <paramref name="evalDataset"/> (or the constructor's eval dataset): returns <c>eval_loss</c>,
    /// <c>eval_runtime</c>, <c>eval_samples_per_second</c>, <c>eval_steps_per_second</c> and the compute_metrics
    /// values, all prefixed <c>eval_</c>; appends them to the log history and raises <c>on_evaluate</c>.
    /// </summary>
    /// <param name="evalDataset">Dataset to evaluate; null uses the constructor's.</param>
    /// <param name="metricKeyPrefix">Prefix of the metric keys (HF's <c>metric_key_prefix</c>).</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public IReadOnlyDictionary<string, double> Evaluate(IModelDataset? evalDataset = null, string metricKeyPrefix = "eval",
        CancellationToken cancellationToken = default)
    {
        var ds = evalDataset ?? _evalDataset ?? throw new InvalidOperationException("Evaluate() needs an eval dataset.");
        var output = PredictionLoop(ds, metricKeyPrefix, cancellationToken);
        var metrics = new Dictionary<string, double>(output.Metrics);
        Log(new Dictionary<string, double>(metrics));
        _callbacks.Evaluate(Args, State, Control, metrics);
        return metrics;
    }

    /// <summary>
    /// Runs the model over <paramref name="testDataset"/> in order and returns the logits, the labels (when the
    /// dataset has them) and metrics prefixed <c>test_</c>. Does not touch the log history.
    /// </summary>
    /// <param name="testDataset">Examples to predict.</param>
    /// <param name="metricKeyPrefix">Prefix of the metric keys.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public PredictionOutput Predict(IModelDataset testDataset, string metricKeyPrefix = "test", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(testDataset);
        return PredictionLoop(testDataset, metricKeyPrefix, cancellationToken);
    }

    private PredictionOutput PredictionLoop(IModelDataset ds, string prefix, CancellationToken ct)
    {
        if (ds.Count == 0) throw new ArgumentException("Cannot evaluate or predict on an empty dataset.");
        BatchEvalMetrics?.Reset();
        var clock = Stopwatch.StartNew();
        bool wasTraining = _model.training;
        _model.eval();
        // Batches of similar length, longest first: per-example results do not depend on batch-mates (padding is
        // masked), so this only removes padding work (about half of it on IMDb) and shows the peak memory at once.
        // Results are written back to each example's own row, so the output order is the dataset's.
        int[] byLength = Enumerable.Range(0, ds.Count).OrderByDescending(ds.LengthOf).ThenBy(i => i).ToArray();
        float[]? logits = null;
        int width = 0, steps = 0;
        double lossSum = 0;
        bool hasLoss = false;
        try
        {
            using var noGrad = torch.no_grad();
            foreach (int[] indices in byLength.Chunk(Args.PerDeviceEvalBatchSize))
            {
                ct.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                var inputs = ToDevice(_collator.Collate(indices.Select(i => ds[i]).ToArray()));
                Modeling.ModelOutput output;
                using (Modeling.MixedPrecision.Bf16Autocast(UseBf16))
                    output = _model.forward(inputs);
                if (output.Loss is { } loss)
                {
                    // HF repeats each batch's mean loss batch-size times before averaging: a per-example mean.
                    lossSum += loss.item<float>() * indices.Length;
                    hasLoss = true;
                }
                if (FeedBatchEvalMetrics(ds, indices, output))
                {
                    steps++;
                    continue;
                }
                var batchLogits = output.Logits ?? throw new InvalidOperationException("The model returned no logits; Evaluate/Predict need a model with a head.");
                if (batchLogits.dim() != 2)
                {
                    // Per-token logits (masked LM): only the loss is reported (HF's eval_loss, e.g. for perplexity);
                    // keeping [examples, seq, vocab] logits would cost gigabytes and no metric here uses them.
                    if (_computeMetrics is not null)
                        throw new NotSupportedException($"compute_metrics supports [batch, num_labels] logits; the model returned shape [{string.Join(",", batchLogits.shape)}].");
                    steps++;
                    continue;
                }
                width = (int)batchLogits.shape[1];
                logits ??= new float[ds.Count * width];
                var batchValues = batchLogits.to(torch.float32).cpu().contiguous().data<float>();
                for (int b = 0; b < indices.Length; b++)
                    for (int j = 0; j < width; j++) logits[indices[b] * width + j] = batchValues[b * width + j];
                steps++;
            }
        }
        finally
        {
            _model.train(wasTraining);
        }

        var predictions = new float[ds.Count, width];
        if (logits is not null) Buffer.BlockCopy(logits, 0, predictions, 0, logits.Length * sizeof(float));
        long[]? labelIds = null;
        float[,]? floatLabels = null;
        var kind = (ds as TextClassificationDataset)?.Kind ?? LabelKind.None;
        var classification = ds as TextClassificationDataset;
        if (kind == LabelKind.SingleLabel) labelIds = Enumerable.Range(0, ds.Count).Select(i => classification![i].ClassLabel!.Value).ToArray();
        else if (kind is LabelKind.Regression or LabelKind.MultiLabel)
        {
            int w = classification![0].FloatLabels!.Length;
            floatLabels = new float[ds.Count, w];
            for (int i = 0; i < ds.Count; i++) for (int j = 0; j < w; j++) floatLabels[i, j] = classification[i].FloatLabels![j];
        }

        var metrics = new Dictionary<string, double>();
        if (hasLoss) metrics[$"{prefix}_loss"] = lossSum / ds.Count;
        AddBatchEvalMetrics(metrics, prefix);
        if (_computeMetrics is not null && kind != LabelKind.None)
        {
            foreach (var (k, v) in _computeMetrics(new EvalPrediction(predictions, labelIds, floatLabels)))
                metrics[k.StartsWith(prefix + "_", StringComparison.Ordinal) ? k : $"{prefix}_{k}"] = v;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        metrics[$"{prefix}_runtime"] = Math.Round(seconds, 4);
        metrics[$"{prefix}_samples_per_second"] = Math.Round(ds.Count / Math.Max(seconds, 1e-9), 3);
        metrics[$"{prefix}_steps_per_second"] = Math.Round(steps / Math.Max(seconds, 1e-9), 3);
        return new PredictionOutput(predictions, labelIds, floatLabels, metrics);
    }
}
