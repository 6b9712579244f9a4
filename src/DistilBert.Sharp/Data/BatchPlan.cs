namespace DistilBert.Sharp.Data;

/// <summary>
/// Cuts a sampler's per-epoch order into batches (the index side of PyTorch's <c>DataLoader</c>).
/// </summary>
public sealed class BatchPlan
{
    private readonly ISampler _sampler;

    /// <summary>Creates the plan.</summary>
    /// <param name="sampler">Order of the examples per epoch.</param>
    /// <param name="batchSize">Examples per batch.</param>
    /// <param name="dropLast">Drop a last, incomplete batch (HF's <c>dataloader_drop_last</c>).</param>
    public BatchPlan(ISampler sampler, int batchSize, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _sampler = sampler;
        BatchSize = batchSize;
        DropLast = dropLast;
    }

    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether an incomplete last batch is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>Batches per epoch (HF's <c>len(dataloader)</c>).</summary>
    public int BatchesPerEpoch => DropLast ? _sampler.Count / BatchSize : (_sampler.Count + BatchSize - 1) / BatchSize;

    /// <summary>The batches of epoch <paramref name="epoch"/>, as lists of example indices.</summary>
    public IEnumerable<int[]> Batches(int epoch)
    {
        int[] order = _sampler.Order(epoch);
        for (int b = 0; b < BatchesPerEpoch; b++)
            yield return order.AsSpan(b * BatchSize, Math.Min(BatchSize, order.Length - b * BatchSize)).ToArray();
    }
}
