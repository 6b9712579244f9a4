namespace DistilBert.Sharp.Data;

/// <summary>
/// A small, fully specified pseudo-random permutation generator (SplitMix64 + Fisher–Yates).
/// </summary>
/// <remarks>
/// We deliberately do not use <see cref="Random"/> or torch's global generator here: the permutation must depend on
/// (seed, epoch) only, be identical on every platform and .NET version, and must not consume the torch RNG stream
/// that dropout uses — otherwise a resumed run could not reproduce an uninterrupted one bit for bit.
/// </remarks>
internal struct SeededShuffle
{
    private ulong _state;

    public SeededShuffle(long seed, int epoch) => _state = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)epoch * 0xD1B54A32D192ED03UL);

    public ulong NextUInt64()
    {
        unchecked
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Uniform integer in [0, bound) without modulo bias (rejection sampling).</summary>
    public int NextInt(int bound)
    {
        ulong limit = ulong.MaxValue - ulong.MaxValue % (ulong)bound;
        ulong r;
        do { r = NextUInt64(); } while (r >= limit);
        return (int)(r % (ulong)bound);
    }

    /// <summary>A random permutation of 0 … count − 1.</summary>
    public int[] Permutation(int count)
    {
        int[] p = Enumerable.Range(0, count).ToArray();
        for (int i = count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }
}
