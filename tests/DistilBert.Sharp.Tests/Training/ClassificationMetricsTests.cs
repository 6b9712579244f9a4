using DistilBert.Sharp.Training;

namespace DistilBert.Sharp.Tests.Training;

public class ClassificationMetricsTests
{
    // preds vs labels: tp=2 (idx 0,3), fp=1 (idx 1), fn=1 (idx 2), tn=2
    private static readonly long[] Pred = [1, 1, 0, 1, 0, 0];
    private static readonly long[] Gold = [1, 0, 1, 1, 0, 0];

    [Fact]
    public void Binary_metrics_match_hand_counts()
    {
        Assert.Equal(4.0 / 6, ClassificationMetrics.Accuracy(Pred, Gold), 12);
        Assert.Equal(2.0 / 3, ClassificationMetrics.Precision(Pred, Gold), 12);
        Assert.Equal(2.0 / 3, ClassificationMetrics.Recall(Pred, Gold), 12);
        Assert.Equal(2.0 / 3, ClassificationMetrics.F1(Pred, Gold), 12);
    }

    [Fact]
    public void Macro_metrics_average_per_class_scores()
    {
        long[] pred = [0, 1, 2, 2, 1, 0];
        long[] gold = [0, 1, 1, 2, 2, 2];
        // class 0: tp1 fp1 fn0 → P .5 R 1 F1 2/3; class 1: tp1 fp1 fn1 → .5 .5 .5; class 2: tp1 fp1 fn2 → .5 1/3 .4
        Assert.Equal((0.5 + 0.5 + 0.5) / 3, ClassificationMetrics.Precision(pred, gold, MetricAverage.Macro), 12);
        Assert.Equal((1 + 0.5 + 1.0 / 3) / 3, ClassificationMetrics.Recall(pred, gold, MetricAverage.Macro), 12);
        Assert.Equal((2.0 / 3 + 0.5 + 0.4) / 3, ClassificationMetrics.F1(pred, gold, MetricAverage.Macro), 12);
    }

    [Fact]
    public void Zero_division_counts_as_zero_and_compute_uses_argmax()
    {
        Assert.Equal(0.0, ClassificationMetrics.Precision([0, 0], [1, 0]));
        var m = ClassificationMetrics.Compute(new EvalPrediction(new float[,] { { 0.1f, 0.9f }, { 2f, -1f } }, [1, 1], null));
        Assert.Equal(0.5, m["accuracy"]);
        Assert.Equal(1.0, m["precision"]);
        Assert.Equal(0.5, m["recall"]);
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Accuracy([1], [1, 0]));
    }
}
