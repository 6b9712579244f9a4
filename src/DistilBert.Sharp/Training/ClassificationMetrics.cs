namespace DistilBert.Sharp.Training;

/// <summary>How per-class precision/recall/F1 are combined (scikit-learn's <c>average</c>).</summary>
public enum MetricAverage
{
    /// <summary>Only the positive class (label 1 by default).</summary>
    Binary,

    /// <summary>Unweighted mean over all classes present in labels or predictions.</summary>
    Macro,
}

/// <summary>
/// Classification metrics with scikit-learn's definitions (what HF examples use in <c>compute_metrics</c>):
/// accuracy, precision, recall and F1, binary or macro-averaged. A 0/0 ratio counts as 0 (sklearn's <c>zero_division</c>).
/// </summary>
public static class ClassificationMetrics
{
    /// <summary>Index of the largest logit per row (ties: the first).</summary>
    public static long[] ArgMax(float[,] logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        long[] result = new long[logits.GetLength(0)];
        for (int i = 0; i < result.Length; i++)
        {
            int best = 0;
            for (int j = 1; j < logits.GetLength(1); j++) if (logits[i, j] > logits[i, best]) best = j;
            result[i] = best;
        }
        return result;
    }

    /// <summary>Fraction of predictions equal to the labels.</summary>
    public static double Accuracy(IReadOnlyList<long> predictions, IReadOnlyList<long> labels)
    {
        CheckLengths(predictions, labels);
        if (labels.Count == 0) return 0;
        int correct = 0;
        for (int i = 0; i < labels.Count; i++) if (predictions[i] == labels[i]) correct++;
        return (double)correct / labels.Count;
    }

    /// <summary>Precision: true positives / predicted positives.</summary>
    public static double Precision(IReadOnlyList<long> predictions, IReadOnlyList<long> labels, MetricAverage average = MetricAverage.Binary, long positiveLabel = 1) =>
        Combine(predictions, labels, average, positiveLabel, (tp, fp, fn) => Ratio(tp, tp + fp));

    /// <summary>Recall: true positives / actual positives.</summary>
    public static double Recall(IReadOnlyList<long> predictions, IReadOnlyList<long> labels, MetricAverage average = MetricAverage.Binary, long positiveLabel = 1) =>
        Combine(predictions, labels, average, positiveLabel, (tp, fp, fn) => Ratio(tp, tp + fn));

    /// <summary>F1: harmonic mean of precision and recall, i.e. 2·tp / (2·tp + fp + fn).</summary>
    public static double F1(IReadOnlyList<long> predictions, IReadOnlyList<long> labels, MetricAverage average = MetricAverage.Binary, long positiveLabel = 1) =>
        Combine(predictions, labels, average, positiveLabel, (tp, fp, fn) => Ratio(2 * tp, 2 * tp + fp + fn));

    /// <summary>
    /// A ready-made <c>compute_metrics</c> for single-label classification: accuracy plus precision, recall and F1
    /// (binary when there are two classes, macro otherwise).
    /// </summary>
    public static IReadOnlyDictionary<string, double> Compute(EvalPrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        if (prediction.LabelIds is null) return new Dictionary<string, double>();
        long[] predicted = ArgMax(prediction.Predictions);
        var average = prediction.Predictions.GetLength(1) == 2 ? MetricAverage.Binary : MetricAverage.Macro;
        return new Dictionary<string, double>
        {
            ["accuracy"] = Accuracy(predicted, prediction.LabelIds),
            ["precision"] = Precision(predicted, prediction.LabelIds, average),
            ["recall"] = Recall(predicted, prediction.LabelIds, average),
            ["f1"] = F1(predicted, prediction.LabelIds, average),
        };
    }

    private static double Combine(IReadOnlyList<long> predictions, IReadOnlyList<long> labels, MetricAverage average, long positive,
        Func<int, int, int, double> score)
    {
        CheckLengths(predictions, labels);
        if (average == MetricAverage.Binary)
        {
            var (tp, fp, fn) = Counts(predictions, labels, positive);
            return score(tp, fp, fn);
        }
        var classes = labels.Concat(predictions).Distinct().ToArray();
        if (classes.Length == 0) return 0;
        return classes.Average(c =>
        {
            var (tp, fp, fn) = Counts(predictions, labels, c);
            return score(tp, fp, fn);
        });
    }

    private static (int Tp, int Fp, int Fn) Counts(IReadOnlyList<long> predictions, IReadOnlyList<long> labels, long cls)
    {
        int tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            bool p = predictions[i] == cls, l = labels[i] == cls;
            if (p && l) tp++;
            else if (p) fp++;
            else if (l) fn++;
        }
        return (tp, fp, fn);
    }

    private static double Ratio(int numerator, int denominator) => denominator == 0 ? 0 : (double)numerator / denominator;

    private static void CheckLengths(IReadOnlyList<long> predictions, IReadOnlyList<long> labels)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(labels);
        if (predictions.Count != labels.Count)
            throw new ArgumentException($"Got {predictions.Count} predictions but {labels.Count} labels.");
    }
}
