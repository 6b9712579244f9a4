namespace DistilBert.Sharp.Data;

/// <summary>Visits examples in dataset order every epoch (used for evaluation and prediction).</summary>
public sealed class SequentialSampler : ISampler
{
    /// <summary>Creates a sampler over <paramref name="count"/> examples.</summary>
    public SequentialSampler(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Count = count;
    }

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    public int[] Order(int epoch) => Enumerable.Range(0, Count).ToArray();
}
