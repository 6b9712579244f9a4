namespace DistilBert.Sharp.Tokenization;

/// <summary>
/// Reusable scratch space for encoding one text: the output ids with their character offsets, and the current word
/// being assembled. One per thread, so encoding allocates nothing per word.
/// </summary>
internal sealed class TokenBuffer
{
    [ThreadStatic] private static TokenBuffer? _first;
    [ThreadStatic] private static TokenBuffer? _second;

    public int[] Ids = new int[512];
    public int[] Starts = new int[512];
    public int[] Ends = new int[512];
    /// <summary>
    /// The caller's word index of each token when <see cref="HasWords"/> (pre-split words). Raw text needs none: its
    /// words are derived from the pieces (see <see cref="SequenceLayout"/>), which keeps the encoder's hot path as it was.
    /// </summary>
    public int[] Words = new int[512];
    public bool HasWords;
    public int Count;

    public char[] Word = new char[128];
    public int[] WordStarts = new int[128];
    public int[] WordEnds = new int[128];
    public int WordLength;

    /// <summary>One of the calling thread's two buffers (0: first text, 1: second text of a pair), cleared.</summary>
    public static TokenBuffer Rent(int slot = 0)
    {
        var buffer = slot == 0 ? _first ??= new TokenBuffer() : _second ??= new TokenBuffer();
        buffer.Count = 0;
        buffer.WordLength = 0;
        buffer.HasWords = false;
        return buffer;
    }

    /// <summary>Appends a token with its [start, end) character range in the original text.</summary>
    public void Add(int id, int start, int end)
    {
        if (Count == Ids.Length) GrowTokens();
        Ids[Count] = id;
        Starts[Count] = start;
        Ends[Count] = end;
        Count++;
    }

    /// <summary>Appends one normalized char to the current word, remembering the original range it came from.</summary>
    public void AppendToWord(char c, int start, int end)
    {
        if (WordLength == Word.Length) GrowWord();
        Word[WordLength] = c;
        WordStarts[WordLength] = start;
        WordEnds[WordLength] = end;
        WordLength++;
    }

    /// <summary>Fills the buffer with already-tokenized ids (offsets unknown, left as 0).</summary>
    public void Load(ReadOnlySpan<int> ids)
    {
        while (Ids.Length < ids.Length) GrowTokens();
        ids.CopyTo(Ids);
        Starts.AsSpan(0, ids.Length).Clear();
        Ends.AsSpan(0, ids.Length).Clear();
        Count = ids.Length;
    }

    /// <summary>Makes <see cref="Word"/> hold at least <paramref name="length"/> chars (used as scratch when the word is empty).</summary>
    public void EnsureWordCapacity(int length)
    {
        while (Word.Length < length) GrowWord();
    }

    /// <summary>Copies the ids out.</summary>
    public int[] IdsToArray() => Ids.AsSpan(0, Count).ToArray();

    private void GrowTokens()
    {
        int size = Ids.Length * 2;
        Array.Resize(ref Ids, size);
        Array.Resize(ref Starts, size);
        Array.Resize(ref Ends, size);
        Array.Resize(ref Words, size);
    }

    private void GrowWord()
    {
        int size = Word.Length * 2;
        Array.Resize(ref Word, size);
        Array.Resize(ref WordStarts, size);
        Array.Resize(ref WordEnds, size);
    }
}
