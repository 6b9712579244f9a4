using DistilBert.Sharp.Data;

namespace DistilBert.Sharp.Tests.Training;

/// <summary>
/// A small learnable task: label 0 sequences draw most tokens from ids 2–11, label 1 sequences from ids 12–21
/// (with 20% noise from the other range), lengths 3–12. A mean-pooled linear model can learn it.
/// </summary>
internal static class SyntheticData
{
    public static TextClassificationDataset Create(int count, int seed)
    {
        var rng = new Random(seed);
        var ids = new List<int[]>();
        var labels = new List<int>();
        for (int i = 0; i < count; i++)
        {
            int label = rng.Next(2);
            int length = rng.Next(3, 13);
            var seq = new int[length];
            for (int t = 0; t < length; t++)
            {
                bool own = rng.NextDouble() >= 0.2;
                int range = own ? label : 1 - label;
                seq[t] = 2 + range * 10 + rng.Next(10);
            }
            ids.Add(seq);
            labels.Add(label);
        }
        return TextClassificationDataset.FromClassLabels(ids, labels);
    }
}
