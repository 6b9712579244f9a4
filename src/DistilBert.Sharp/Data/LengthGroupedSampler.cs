namespace DistilBert.Sharp.Data;

/// <summary>
/// HF's <c>LengthGroupedSampler</c>: a random order in which examples of similar length end up in the same batch,
/// which cuts padding, while keeping some randomness.
/// </summary>
/// <remarks>
/// HF's scheme (<c>get_length_grouped_indices</c>): shuffle, cut the permutation into mega-batches of
/// <c>mega_batch_mult × batch_size</c> examples, sort each mega-batch by length descending (stable), then swap the
/// longest example of all to the very front so that the first batch is the largest one and an out-of-memory error
/// shows up at once rather than hours into training. <c>mega_batch_mult</c> defaults to
/// <c>min(count / (4 × batch_size), 50)</c>, at least 1.
/// </remarks>
public sealed class LengthGroupedSampler : ISampler
{
    private readonly int[] _lengths;
    private readonly int _batchSize;
    private readonly int _megaBatchMult;
    private readonly long _seed;

    /// <summary>Creates the sampler.</summary>
    /// <param name="lengths">Token count of each example.</param>
    /// <param name="batchSize">Training batch size.</param>
    /// <param name="seed">Seed of the shuffle; order is reproducible from (seed, epoch).</param>
    /// <param name="megaBatchMult">Mega-batch size in batches; null for HF's default.</param>
    public LengthGroupedSampler(IReadOnlyList<int> lengths, int batchSize, long seed, int? megaBatchMult = null)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (megaBatchMult is < 1) throw new ArgumentOutOfRangeException(nameof(megaBatchMult), megaBatchMult, "mega_batch_mult must be at least 1.");
        _lengths = lengths.ToArray();
        _batchSize = batchSize;
        _seed = seed;
        _megaBatchMult = megaBatchMult ?? Math.Max(1, Math.Min(_lengths.Length / (batchSize * 4), 50));
    }

    /// <inheritdoc />
    public int Count => _lengths.Length;

    /// <summary>Examples per mega-batch.</summary>
    public int MegaBatchSize => _megaBatchMult * _batchSize;

    /// <inheritdoc />
    public int[] Order(int epoch)
    {
        int[] permutation = new SeededShuffle(_seed, epoch).Permutation(Count);
        var megaBatches = new List<int[]>();
        for (int start = 0; start < permutation.Length; start += MegaBatchSize)
        {
            var chunk = permutation.Skip(start).Take(MegaBatchSize);
            // OrderByDescending is stable, like Python's sorted(..., reverse=True).
            megaBatches.Add(chunk.OrderByDescending(i => _lengths[i]).ToArray());
        }
        if (megaBatches.Count == 0) return [];

        int maxIdx = 0; // first maximum, like torch.argmax
        for (int m = 1; m < megaBatches.Count; m++)
        {
            if (_lengths[megaBatches[m][0]] > _lengths[megaBatches[maxIdx][0]]) maxIdx = m;
        }
        (megaBatches[0][0], megaBatches[maxIdx][0]) = (megaBatches[maxIdx][0], megaBatches[0][0]);
        return megaBatches.SelectMany(m => m).ToArray();
    }
}
