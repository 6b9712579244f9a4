namespace DistilBert.Sharp.Tokenization;

/// <summary>One text's tokens (no special tokens) with their character ranges.</summary>
internal readonly record struct TextTokens(int[] Ids, int[] Starts, int[] Ends)
{
    public int Length => Ids.Length;

    public static TextTokens From(TokenBuffer buffer) => new(
        buffer.Ids.AsSpan(0, buffer.Count).ToArray(), buffer.Starts.AsSpan(0, buffer.Count).ToArray(),
        buffer.Ends.AsSpan(0, buffer.Count).ToArray());

    /// <summary>The tokens in [start, start + count).</summary>
    public TextTokens Slice(int start, int count) =>
        new(Ids.AsSpan(start, count).ToArray(), Starts.AsSpan(start, count).ToArray(), Ends.AsSpan(start, count).ToArray());
}

/// <summary>One row before padding.</summary>
internal sealed record EncodedRow(int[] Ids, int[] TypeIds, int[] SpecialMask, (int Start, int End)[] Offsets);

/// <summary>
/// HF's <c>prepare_for_model</c> and <c>pad</c>: validates the option combination, truncates, adds [CLS]/[SEP], and
/// pads a batch, with the semantics of <c>tokenization_utils_base.py</c>.
/// </summary>
internal sealed class SequenceBuilder(int clsId, int sepId, int padId, int modelMaxLength)
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
    public EncodedRow Build(TextTokens first, TextTokens? second, EncodeOptions options, int? truncateTo, int rowIndex)
    {
        if (truncateTo is int maxLength)
        {
            int excess = first.Length + (second?.Length ?? 0) + SpecialCount(options, second is not null) - maxLength;
            if (excess > 0) (first, second) = Truncate(first, second, excess, options, rowIndex);
        }
        bool specials = options.AddSpecialTokens;
        int length = first.Length + (second?.Length ?? 0) + SpecialCount(options, second is not null);
        var ids = new int[length];
        var types = new int[length];
        var special = new int[length];
        var offsets = new (int, int)[length];
        int at = 0;
        if (specials) { ids[at] = clsId; special[at++] = 1; }
        Copy(first, 0);
        if (specials) { ids[at] = sepId; special[at++] = 1; }
        if (second is TextTokens pair)
        {
            Copy(pair, 1);
            if (specials) { ids[at] = sepId; types[at] = 1; special[at++] = 1; }
        }
        return new EncodedRow(ids, types, special, offsets);

        void Copy(TextTokens tokens, int type)
        {
            for (int k = 0; k < tokens.Length; k++, at++)
            {
                ids[at] = tokens.Ids[k];
                types[at] = type;
                offsets[at] = (tokens.Starts[k], tokens.Ends[k]);
            }
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
        var types = new int[length];
        row.TypeIds.CopyTo(types, 0);
        var special = new int[length];
        row.SpecialMask.CopyTo(special, 0);
        special.AsSpan(real).Fill(1);
        var offsets = new (int, int)[length];
        row.Offsets.CopyTo(offsets, 0);
        return new EncodedRow(ids, types, special, offsets);
    }

    private static int SpecialCount(EncodeOptions options, bool isPair) => options.AddSpecialTokens ? (isPair ? 3 : 2) : 0;

    private static (TextTokens, TextTokens?) Truncate(TextTokens first, TextTokens? second, int excess, EncodeOptions options, int row)
    {
        var strategy = options.Truncation;
        if (strategy == TruncationStrategy.OnlyFirst || (strategy == TruncationStrategy.LongestFirst && second is null))
        {
            // HF requires the truncated text to keep at least one token (it logs an error and leaves it uncut otherwise).
            if (first.Length <= excess) throw TooShort(row, "first", first.Length, excess);
            return (Cut(first, excess, options.TruncationSide), second);
        }
        if (strategy == TruncationStrategy.OnlySecond)
        {
            var pair = second!.Value;
            if (pair.Length <= excess) throw TooShort(row, "second", pair.Length, excess);
            return (first, Cut(pair, excess, options.TruncationSide));
        }
        // LongestFirst on a pair: remove one token at a time from the longer text, the second one on ties (HF's loop).
        int a = first.Length, b = second!.Value.Length;
        for (int k = 0; k < excess; k++)
        {
            if (a > b) a--;
            else b--;
        }
        if (b < 0) throw TooShort(row, "pair", first.Length + second.Value.Length, excess);
        return (Cut(first, first.Length - a, options.TruncationSide), Cut(second.Value, second.Value.Length - b, options.TruncationSide));
    }

    private static TextTokens Cut(TextTokens tokens, int remove, TruncationSide side) => side switch
    {
        TruncationSide.Left => tokens.Slice(remove, tokens.Length - remove),
        _ => tokens.Slice(0, tokens.Length - remove),
    };

    private static ArgumentException TooShort(int row, string which, int length, int excess) => new(
        $"Row {row}: truncation must remove {excess} tokens but the {which} text has only {length}; " +
        "raise MaxLength or choose another Truncation strategy.", "options");
}
