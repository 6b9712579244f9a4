namespace DistilBert.Sharp.Data;

/// <summary>
/// Visits examples in a seeded random order that changes every epoch and is reproducible from (seed, epoch) alone,
/// so a resumed run replays the same order.
/// </summary>
public sealed class RandomSampler : ISampler
{
    private readonly long _seed;

    /// <summary>Creates a sampler over <paramref name="count"/> examples.</summary>
    /// <param name="count">Number of examples.</param>
    /// <param name="seed">Seed; the same seed and epoch always give the same order.</param>
    public RandomSampler(int count, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Count = count;
        _seed = seed;
    }

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    public int[] Order(int epoch) => new SeededShuffle(_seed, epoch).Permutation(Count);
}
