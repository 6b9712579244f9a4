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
    /// <summary>Index of the word (HF's <c>word_ids</c>) each token came from; -1 when unknown.</summary>
    public int[] Words = new int[512];
    public int Count;

    /// <summary>The word index <see cref="Add"/> records; the encoder sets it at the start of each word.</summary>
    public int CurrentWord;

    /// <summary>The index the next word gets.</summary>
    public int NextWord;

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
        buffer.CurrentWord = 0;
        buffer.NextWord = 0;
        return buffer;
    }

    /// <summary>Appends a token with its [start, end) character range in the original text.</summary>
    public void Add(int id, int start, int end)
    {
        if (Count == Ids.Length) GrowTokens();
        Ids[Count] = id;
        Starts[Count] = start;
        Ends[Count] = end;
        Words[Count] = CurrentWord;
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
        Words.AsSpan(0, ids.Length).Fill(-1);
        Count = ids.Length;
    }

    /// <summary>Starts a new word: the tokens added next belong to it.</summary>
    public void BeginWord() => CurrentWord = NextWord++;

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
