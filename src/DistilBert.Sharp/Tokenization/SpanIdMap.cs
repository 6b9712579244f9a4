using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DistilBert.Sharp.Tokenization;

/// <summary>
/// A read-only string-to-id hash table looked up by <see cref="ReadOnlySpan{T}"/>, specialised for WordPiece
/// vocabularies (tens of thousands of short keys, looked up millions of times).
/// </summary>
/// <remarks>
/// Lookups are about half the tokenizer's time, and a general dictionary pays for comparer indirection and a
/// collision-resistant hash. Here: FNV-1a over the chars, open addressing with linear probing in one array of
/// slots (hash, id, key position), all key chars in one contiguous pool, so a hit usually touches two cache lines.
/// No untrusted party chooses the keys (they come from the vocabulary), so a non-randomized hash is fine.
/// </remarks>
internal sealed class SpanIdMap
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Slot
    {
        public int Hash;
        public int Id;
        public int Offset;
        public int Length; // 0 = empty slot (keys are never empty)
    }

    private readonly Slot[] _slots;
    private readonly char[] _pool;
    private readonly int _mask;

    /// <summary>Builds the table; keys must be distinct and non-empty.</summary>
    public SpanIdMap(IReadOnlyCollection<KeyValuePair<string, int>> entries)
    {
        int capacity = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, entries.Count * 2));
        _slots = new Slot[capacity];
        _mask = capacity - 1;
        _pool = new char[entries.Sum(e => e.Key.Length)];
        int offset = 0;
        foreach (var (key, id) in entries)
        {
            if (key.Length == 0) continue;
            key.CopyTo(_pool.AsSpan(offset));
            int hash = Hash(key);
            int index = hash & _mask;
            while (_slots[index].Length != 0) index = (index + 1) & _mask;
            _slots[index] = new Slot { Hash = hash, Id = id, Offset = offset, Length = key.Length };
            offset += key.Length;
        }
    }

    /// <summary>The id of <paramref name="key"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ReadOnlySpan<char> key)
    {
        int hash = Hash(key);
        int index = hash & _mask;
        Slot[] slots = _slots;
        while (true)
        {
            ref Slot slot = ref slots[index];
            if (slot.Length == 0) return -1;
            if (slot.Hash == hash && slot.Length == key.Length && _pool.AsSpan(slot.Offset, slot.Length).SequenceEqual(key))
                return slot.Id;
            index = (index + 1) & _mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<char> key)
    {
        uint h = 2166136261;
        foreach (char c in key) h = (h ^ c) * 16777619;
        // Mix the high bits down so the low bits used for the slot index depend on every char.
        h ^= h >> 15;
        h *= 0x2C1B3C6D;
        h ^= h >> 12;
        return (int)(h & 0x7FFFFFFF);
    }
}
