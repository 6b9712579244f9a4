namespace DistilBert.Sharp.Inference.Batching;

/// <summary>
/// Cuts length-sorted requests into consecutive batches that waste the least work: a batch costs its size times its
/// longest length (everything is padded to it) plus a fixed per-call overhead. One long text no longer pads a batch
/// of short ones, yet short texts still share calls. Exact dynamic programming, O(n × maxBatch), n is at most a few
/// hundred here.
/// </summary>
internal static class PaddingAwarePartition
{
    /// <summary>Batch sizes, in order, for <paramref name="ascendingLengths"/>.</summary>
    /// <param name="ascendingLengths">Lengths sorted ascending.</param>
    /// <param name="maxBatch">Most items per batch.</param>
    /// <param name="callOverhead">Cost of one call, in length units.</param>
    /// <param name="maxBatchTokens">Most padded length (size × longest) per batch; a single item always fits.</param>
    public static List<int> Cut(IReadOnlyList<int> ascendingLengths, int maxBatch, double callOverhead, long maxBatchTokens = long.MaxValue)
    {
        int n = ascendingLengths.Count;
        var best = new double[n + 1];
        var from = new int[n + 1];
        for (int end = 1; end <= n; end++)
        {
            best[end] = double.MaxValue;
            // The batch [start, end) is padded to its last (longest) length.
            for (int start = Math.Max(0, end - maxBatch); start < end; start++)
            {
                if (end - start > 1 && (long)(end - start) * ascendingLengths[end - 1] > maxBatchTokens) continue;
                double cost = best[start] + (double)(end - start) * ascendingLengths[end - 1] + callOverhead;
                if (cost < best[end])
                {
                    best[end] = cost;
                    from[end] = start;
                }
            }
        }
        var sizes = new List<int>();
        for (int end = n; end > 0; end = from[end]) sizes.Add(end - from[end]);
        sizes.Reverse();
        return sizes;
    }
}
