namespace DistilBert.Sharp.Tokenization;

/// <summary>
/// The tokens of one text that survive truncation: [Start, Start + Count), then [TailStart, TailStart + TailCount)
/// (the second part is used only by head-and-tail truncation).
/// </summary>
internal readonly record struct TokenRange(int Start, int Count, int TailStart = 0, int TailCount = 0)
{
    public int Total => Count + TailCount;
}

/// <summary>One row before padding; the optional arrays exist only when the caller asked for them.</summary>
/// <remarks>
/// <paramref name="Layout"/> is where each text's tokens lie; sequence ids, and usually word ids, are derived from it on
/// demand, so a row carries no per-token array for them. <paramref name="WordIds"/> is set only where word ids cannot be
/// derived (pre-split words, head-and-tail truncation), with -1 for HF's None.
/// </remarks>
internal sealed record EncodedRow(int[] Ids, int[]? TypeIds, int[]? SpecialMask, (int Start, int End)[]? Offsets,
    int[]? WordIds, SequenceLayout Layout);

/// <summary>
/// Token index ranges of the first and second text in a row ([FirstStart, FirstStart + FirstCount), …) and the word
/// index of each range's first token. Within a text a new word starts at every token that is not a "##" continuation
/// piece (the encoder emits a word as a first piece followed by continuations), which gives the word ids.
/// </summary>
internal readonly record struct SequenceLayout(int FirstStart, int FirstCount, int SecondStart, int SecondCount, int FirstWord, int SecondWord);

/// <summary>
/// HF's <c>prepare_for_model</c> and <c>pad</c>: validates the option combination, truncates, adds [CLS]/[SEP], and
/// pads a batch, with the semantics of <c>tokenization_utils_base.py</c>.
/// </summary>
internal sealed class SequenceBuilder(int clsId, int sepId, int padId, int modelMaxLength, bool[] isContinuation)
{
    /// <summary>Rejects option combinations HF rejects or silently ignores; returns the truncation length (or null).</summary>
    public int? Validate(EncodeOptions options, bool isPair)
    {
        if (!Enum.IsDefined(options.Padding)) throw new ArgumentOutOfRangeException(nameof(options), $"Unknown Padding value {(int)options.Padding}.");
        if (!Enum.IsDefined(options.Truncation)) throw new ArgumentOutOfRangeException(nameof(options), $"Unknown Truncation value {(int)options.Truncation}.");
        if (!Enum.IsDefined(options.TruncationSide)) throw new ArgumentOutOfRangeException(nameof(options), $"Unknown TruncationSide value {(int)options.TruncationSide}.");
        if (options.MaxLength is <= 0) throw new ArgumentOutOfRangeException(nameof(options), $"MaxLength must be positive, got {options.MaxLength}.");
        if (options.PadToMultipleOf is <= 0) throw new ArgumentOutOfRangeException(nameof(options), $"PadToMultipleOf must be positive, got {options.PadToMultipleOf}.");
        if (options.MaxLength is not null && options.Truncation == TruncationStrategy.None && options.Padding != PaddingStrategy.MaxLength)
            throw new ArgumentException(
                $"MaxLength = {options.MaxLength} has no effect with Truncation = None and Padding = {options.Padding}; " +
                "set Truncation = LongestFirst to cut long texts, or Padding = MaxLength to pad to it.", nameof(options));
        if (options.Truncation == TruncationStrategy.OnlySecond && !isPair)
            throw new ArgumentException("Truncation = OnlySecond needs text pairs; use LongestFirst or OnlyFirst for single texts.", nameof(options));
        if (options.HeadTokens is < 0) throw new ArgumentOutOfRangeException(nameof(options), $"HeadTokens must not be negative, got {options.HeadTokens}.");
        if (options.HeadTokens is not null && options.TruncationSide != TruncationSide.HeadAndTail)
            throw new ArgumentException("HeadTokens is only used with TruncationSide = HeadAndTail.", nameof(options));
        if (options.Stride < 0) throw new ArgumentOutOfRangeException(nameof(options), $"Stride must not be negative, got {options.Stride}.");
        if (options.Stride > 0 && !options.ReturnOverflowingTokens)
            throw new ArgumentException("Stride is only used with ReturnOverflowingTokens = true.", nameof(options));
        if (options.ReturnOverflowingTokens)
        {
            if (options.Truncation == TruncationStrategy.None)
                throw new ArgumentException("ReturnOverflowingTokens needs truncation (e.g. OnlySecond for question + context, LongestFirst for single texts).", nameof(options));
            if (options.TruncationSide != TruncationSide.Right)
                throw new ArgumentException($"ReturnOverflowingTokens supports TruncationSide = Right only, got {options.TruncationSide}.", nameof(options));
            if (isPair && options.Truncation == TruncationStrategy.LongestFirst)
                throw new ArgumentException(
                    "ReturnOverflowingTokens with a pair needs Truncation = OnlyFirst or OnlySecond (the text to window); HF refuses longest_first here too.", nameof(options));
        }
        if (options.Truncation == TruncationStrategy.None) return null;

        int maxLength = options.MaxLength ?? modelMaxLength;
        int specials = SpecialCount(options, isPair);
        if (maxLength <= specials)
            throw new ArgumentException(
                $"MaxLength = {maxLength} leaves no room for text: {(isPair ? "a pair" : "a single text")} takes {specials} special tokens.", nameof(options));
        if (options.Padding != PaddingStrategy.None && options.PadToMultipleOf is int multiple && maxLength % multiple != 0)
            throw new ArgumentException(
                $"Truncation and padding are both on, but the truncation length {maxLength} is not a multiple of PadToMultipleOf = {multiple}.", nameof(options));
        return maxLength;
    }

    /// <summary>Truncates (when <paramref name="truncateTo"/> is set) and adds special tokens.</summary>
    public EncodedRow Build(TokenBuffer firstText, TokenBuffer? secondText, EncodeOptions options, int? truncateTo, int rowIndex)
    {
        var first = new TokenRange(0, firstText.Count);
        TokenRange? second = secondText is null ? null : new TokenRange(0, secondText.Count);
        if (truncateTo is int maxLength)
        {
            int excess = first.Count + (second?.Count ?? 0) + SpecialCount(options, second is not null) - maxLength;
            if (excess > 0) (first, second) = Truncate(first, second, excess, options, rowIndex);
        }
        return Emit(firstText, first, secondText, second, options);
    }

    /// <summary>
    /// HF fast tokenizers' overflow (<c>Encoding::truncate</c> with a stride): the windowed text is cut into windows of
    /// the room left beside the other text and the special tokens; window k starts at k·(room − stride) and the last
    /// window is the first that reaches the end. A text that fits gives one row.
    /// </summary>
    public List<EncodedRow> BuildWindows(TokenBuffer firstText, TokenBuffer? secondText, EncodeOptions options, int truncateTo, int rowIndex)
    {
        bool windowSecond = secondText is not null && options.Truncation == TruncationStrategy.OnlySecond;
        int fixedCount = windowSecond ? firstText.Count : secondText?.Count ?? 0;
        int total = windowSecond ? secondText!.Count : firstText.Count;
        int room = truncateTo - SpecialCount(options, secondText is not null) - fixedCount;
        if (total > room && room <= 0)
            throw new ArgumentException(
                $"Row {rowIndex}: the {(windowSecond ? "first" : "second")} text and special tokens take {truncateTo - room} of MaxLength = {truncateTo}; " +
                "no room is left for the windowed text.", "options");
        if (total > room && options.Stride >= room)
            throw new ArgumentException(
                $"Row {rowIndex}: Stride = {options.Stride} must be smaller than the window of {room} tokens; lower Stride or raise MaxLength.", "options");
        var rows = new List<EncodedRow>();
        if (total <= room)
        {
            rows.Add(Window(0, total));
            return rows;
        }
        for (int start = 0; ; start += room - options.Stride)
        {
            int stop = Math.Min(start + room, total);
            rows.Add(Window(start, stop));
            if (stop == total) return rows;
        }

        EncodedRow Window(int start, int stop)
        {
            var window = new TokenRange(start, stop - start);
            return windowSecond
                ? Emit(firstText, new TokenRange(0, firstText.Count), secondText, window, options)
                : Emit(firstText, window, secondText, secondText is null ? null : new TokenRange(0, secondText.Count), options);
        }
    }

    /// <summary>Lays out [CLS] first [SEP] (second [SEP]) with the requested side arrays.</summary>
    private EncodedRow Emit(TokenBuffer firstText, TokenRange first, TokenBuffer? secondText, TokenRange? second, EncodeOptions options)
    {
        bool specials = options.AddSpecialTokens;
        int length = first.Total + (second?.Total ?? 0) + SpecialCount(options, second is not null);
        var ids = new int[length];
        int[]? types = options.ReturnTokenTypeIds ? new int[length] : null;
        int[]? special = options.ReturnSpecialTokensMask ? new int[length] : null;
        var offsets = options.ReturnOffsets ? new (int, int)[length] : null;
        // A head-and-tail cut jumps words inside a text, so derivation from the layout would be wrong there.
        int[]? words = firstText.HasWords || first.TailCount > 0 || second?.TailCount > 0 ? new int[length] : null;
        int at = 0, firstStart = 0, secondStart = 0;
        if (specials) AddSpecial(clsId, 0);
        firstStart = at;
        Copy(firstText, first, 0);
        if (specials) AddSpecial(sepId, 0);
        secondStart = at;
        if (second is TokenRange pair)
        {
            Copy(secondText!, pair, 1);
            if (specials) AddSpecial(sepId, 1);
        }
        return new EncodedRow(ids, types, special, offsets, words, new SequenceLayout(firstStart, first.Total, secondStart, second?.Total ?? 0,
            WordAt(firstText, first.Start), second is TokenRange s ? WordAt(secondText!, s.Start) : 0));

        void AddSpecial(int id, int type)
        {
            ids[at] = id;
            if (types is not null) types[at] = type;
            if (special is not null) special[at] = 1;
            if (words is not null) words[at] = -1;
            at++;
        }

        void Copy(TokenBuffer buffer, TokenRange range, int type)
        {
            CopyPart(buffer, range.Start, range.Count, type);
            CopyPart(buffer, range.TailStart, range.TailCount, type);
        }

        void CopyPart(TokenBuffer buffer, int start, int count, int type)
        {
            buffer.Ids.AsSpan(start, count).CopyTo(ids.AsSpan(at));
            if (words is not null) FillWords(buffer, start, count, words.AsSpan(at, count));
            if (types is not null) types.AsSpan(at, count).Fill(type);
            if (offsets is not null)
                for (int k = 0; k < count; k++) offsets[at + k] = (buffer.Starts[start + k], buffer.Ends[start + k]);
            at += count;
        }
    }

    /// <summary>The padded length of a batch, or null for no padding.</summary>
    public int? PaddedLength(EncodeOptions options, IReadOnlyList<EncodedRow> rows)
    {
        int? length = options.Padding switch
        {
            PaddingStrategy.Longest => rows.Count == 0 ? 0 : rows.Max(r => r.Ids.Length),
            PaddingStrategy.MaxLength => options.MaxLength ?? modelMaxLength,
            _ => null,
        };
        if (length is int l && options.PadToMultipleOf is int m && l % m != 0) length = (l / m + 1) * m;
        return length;
    }

    /// <summary>Pads one row on the right to <paramref name="length"/> (rows already longer stay as they are, like HF).</summary>
    public EncodedRow Pad(EncodedRow row, int length, out int[] attentionMask)
    {
        int real = row.Ids.Length;
        attentionMask = new int[Math.Max(real, length)];
        attentionMask.AsSpan(0, real).Fill(1);
        if (real >= length) return row;
        var ids = new int[length];
        row.Ids.CopyTo(ids, 0);
        ids.AsSpan(real).Fill(padId);
        int[]? types = row.TypeIds is null ? null : new int[length];
        row.TypeIds?.CopyTo(types!, 0);
        int[]? special = row.SpecialMask is null ? null : new int[length];
        if (special is not null)
        {
            row.SpecialMask!.CopyTo(special, 0);
            special.AsSpan(real).Fill(1);
        }
        var offsets = row.Offsets is null ? null : new (int, int)[length];
        row.Offsets?.CopyTo(offsets!, 0);
        int[]? words = row.WordIds is null ? null : new int[length];
        if (words is not null)
        {
            row.WordIds!.CopyTo(words, 0);
            words.AsSpan(real).Fill(-1);
        }
        return new EncodedRow(ids, types, special, offsets, words, row.Layout);
    }

    /// <summary>
    /// The word index of token <paramref name="index"/>: the caller's word for pre-split words, else the number of word
    /// starts (tokens that are not "##" continuations) up to it, minus one. Windows start at a few positions per text,
    /// so the scan is cheap.
    /// </summary>
    private int WordAt(TokenBuffer buffer, int index)
    {
        if (index >= buffer.Count) return 0;
        if (buffer.HasWords) return buffer.Words[index];
        int word = -1;
        for (int k = 0; k <= index; k++) if (!isContinuation[buffer.Ids[k]]) word++;
        return Math.Max(word, 0);
    }

    private void FillWords(TokenBuffer buffer, int start, int count, Span<int> destination)
    {
        if (count == 0) return;
        if (buffer.HasWords)
        {
            buffer.Words.AsSpan(start, count).CopyTo(destination);
            return;
        }
        int word = WordAt(buffer, start);
        for (int k = 0; k < count; k++)
        {
            if (k > 0 && !isContinuation[buffer.Ids[start + k]]) word++;
            destination[k] = word;
        }
    }

    private static int SpecialCount(EncodeOptions options, bool isPair) => options.AddSpecialTokens ? (isPair ? 3 : 2) : 0;

    private static (TokenRange, TokenRange?) Truncate(TokenRange first, TokenRange? second, int excess, EncodeOptions options, int row)
    {
        var strategy = options.Truncation;
        if (strategy == TruncationStrategy.OnlyFirst || (strategy == TruncationStrategy.LongestFirst && second is null))
        {
            // HF requires the truncated text to keep at least one token (it logs an error and leaves it uncut otherwise).
            if (first.Count <= excess) throw TooShort(row, "first", first.Count, excess);
            return (Cut(first, excess, options), second);
        }
        if (strategy == TruncationStrategy.OnlySecond)
        {
            var pair = second!.Value;
            if (pair.Count <= excess) throw TooShort(row, "second", pair.Count, excess);
            return (first, Cut(pair, excess, options));
        }
        // LongestFirst on a pair: remove one token at a time from the longer text, the second one on ties (HF's loop).
        int a = first.Count, b = second!.Value.Count;
        for (int k = 0; k < excess; k++)
        {
            if (a > b) a--;
            else b--;
        }
        if (b < 0) throw TooShort(row, "pair", first.Count + second.Value.Count, excess);
        return (Cut(first, first.Count - a, options), Cut(second.Value, second.Value.Count - b, options));
    }

    /// <summary>Removes <paramref name="remove"/> tokens from an untruncated range, on the requested side.</summary>
    private static TokenRange Cut(TokenRange tokens, int remove, EncodeOptions options)
    {
        int keep = tokens.Count - remove;
        switch (options.TruncationSide)
        {
            case TruncationSide.Left:
                return new TokenRange(tokens.Start + remove, keep);
            case TruncationSide.HeadAndTail:
                int head = Math.Min(keep, options.HeadTokens ?? (keep + 3) / 4);
                int tail = keep - head;
                return new TokenRange(tokens.Start, head, tokens.Start + tokens.Count - tail, tail);
            default:
                return new TokenRange(tokens.Start, keep);
        }
    }

    private static ArgumentException TooShort(int row, string which, int length, int excess) => new(
        $"Row {row}: truncation must remove {excess} tokens but the {which} text has only {length}; " +
        "raise MaxLength or choose another Truncation strategy.", "options");
}
