using System.Buffers;
using System.Text;

namespace DistilBert.Sharp.Tokenization;

/// <summary>
/// HF's slow BERT tokenizer pipeline (added-token split, <c>BasicTokenizer</c>, <c>WordpieceTokenizer</c>) fused into
/// one pass over the text that emits ids with character offsets into the original string.
/// </summary>
/// <remarks>
/// Hand-written rather than built on Microsoft.ML.Tokenizers' <c>BertTokenizer</c> for two reasons: correctness
/// (ML.Tokenizers 2.0 deletes \n, \t and \r instead of splitting on them, dotnet/machinelearning#7724, so
/// "line1\nline2" becomes one word) and speed (one pass, an ASCII fast path, table lookups for other chars, and
/// span lookups in the vocabulary: no string is allocated per word). Offsets are UTF-16 indices into the .NET string
/// (HF's Python offsets count code points); every piece maps back to the original characters it came from.
/// </remarks>
internal sealed class WordPieceEncoder
{
    private static readonly SearchValues<char> AsciiLettersAndDigits =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private readonly WordPieceVocabulary _vocab;
    private readonly CharNormalizer _normalizer;
    private readonly SpecialTokenMatcher _specials;
    private readonly bool _splitCjk;
    private readonly int _unkId;
    private readonly int _maxInputCharsPerWord;

    /// <summary>Creates the encoder.</summary>
    public WordPieceEncoder(WordPieceVocabulary vocab, CharNormalizer normalizer, SpecialTokenMatcher specials,
        bool tokenizeChineseChars, int unkId, int maxInputCharsPerWord)
    {
        _vocab = vocab;
        _normalizer = normalizer;
        _specials = specials;
        _splitCjk = tokenizeChineseChars;
        _unkId = unkId;
        _maxInputCharsPerWord = maxInputCharsPerWord;
    }

    /// <summary>Encodes <paramref name="text"/> (without [CLS]/[SEP]) into <paramref name="output"/>.</summary>
    public void Encode(string text, TokenBuffer output)
    {
        int position = 0;
        // Added/special tokens written in the text ("[SEP]") are matched first, case-sensitively, and never split,
        // as HF's tokens_trie does; the text between them is tokenized normally.
        while (_specials.FindNext(text, position, out int at, out int length, out int id))
        {
            EncodeSegment(text, position, at, output);
            output.Add(id, at, at + length);
            position = at + length;
        }
        EncodeSegment(text, position, text.Length, output);
    }

    private void EncodeSegment(string text, int start, int end, TokenBuffer output)
    {
        if (start >= end) return;
        // HF NFC-normalizes the text before lowercasing; that only matters when accents are kept (NFD after NFC equals
        // NFD). Offsets then point into the NFC form of this segment, clamped to it: exact unless NFC changed lengths.
        if (!_normalizer.StripAccents && !Ascii.IsValid(text.AsSpan(start, end - start)))
        {
            string segment = text[start..end];
            if (!segment.IsNormalized(NormalizationForm.FormC))
            {
                int mark = output.Count;
                string composed = segment.Normalize(NormalizationForm.FormC);
                EncodeNormalizedSegment(composed, 0, composed.Length, output);
                for (int k = mark; k < output.Count; k++)
                {
                    output.Starts[k] = Math.Min(start + output.Starts[k], end);
                    output.Ends[k] = Math.Min(start + output.Ends[k], end);
                }
                return;
            }
        }
        EncodeNormalizedSegment(text, start, end, output);
    }

    private void EncodeNormalizedSegment(string text, int start, int end, TokenBuffer output)
    {
        bool lowercase = _normalizer.Lowercase;
        bool identity = _normalizer.IsIdentity;
        int i = start;
        while (i < end)
        {
            char c = text[i];
            if (c < 0x80)
            {
                // ASCII fast path: normalization is at most a lowercase, classes come from the table.
                switch (CharClassifier.Classify(c))
                {
                    case CharClass.Word when output.WordLength == 0:
                        i = EncodeAsciiRun(text, i, end, lowercase, output);
                        continue;
                    case CharClass.Word:
                        output.AppendToWord(lowercase && (uint)(c - 'A') <= 'Z' - 'A' ? (char)(c | 0x20) : c, i, i + 1);
                        break;
                    case CharClass.Separator:
                        FlushWord(output);
                        break;
                    case CharClass.Punctuation:
                        FlushWord(output);
                        output.AppendToWord(c, i, i + 1);
                        FlushWord(output);
                        break;
                }
                i++;
                continue;
            }

            int codePoint = c, width = 1;
            if (char.IsHighSurrogate(c) && i + 1 < end && char.IsLowSurrogate(text[i + 1]))
            {
                codePoint = char.ConvertToUtf32(c, text[i + 1]);
                width = 2;
            }
            CharClass cls = CharClassifier.Classify(codePoint);
            if (cls == CharClass.Removed) { i += width; continue; }
            if (cls == CharClass.Separator) { FlushWord(output); i += width; continue; }

            string normalized = identity ? text.Substring(i, width)
                : codePoint == 0x03A3 && lowercase && IsFinalSigma(text, i, start, end) ? "\u03C2"
                : width == 1 ? _normalizer.Normalize(c) : _normalizer.Normalize(new Rune(codePoint));

            if (cls == CharClass.Cjk && _splitCjk)
            {
                FlushWord(output);
                foreach (char n in normalized) output.AppendToWord(n, i, i + width);
                FlushWord(output);
            }
            else
            {
                // Punctuation is judged after normalization, as HF splits on punctuation after lowercasing and
                // stripping accents.
                for (int k = 0; k < normalized.Length; k++)
                {
                    char n = normalized[k];
                    int ncp = n;
                    bool pair = char.IsHighSurrogate(n) && k + 1 < normalized.Length;
                    if (pair) ncp = char.ConvertToUtf32(n, normalized[k + 1]);
                    if (CharClassifier.IsPunctuation(ncp))
                    {
                        FlushWord(output);
                        output.AppendToWord(n, i, i + width);
                        if (pair) output.AppendToWord(normalized[++k], i, i + width);
                        FlushWord(output);
                    }
                    else
                    {
                        output.AppendToWord(n, i, i + width);
                        if (pair) output.AppendToWord(normalized[++k], i, i + width);
                    }
                }
            }
            i += width;
        }
        FlushWord(output);
    }

    /// <summary>
    /// The common case, a run of ASCII letters/digits that starts a word: when the run also ends the word (followed by
    /// an ASCII space or punctuation, or the end), WordPiece runs on the text itself (or a lowercased copy), and offsets
    /// are the run's positions, so nothing is copied per char. Otherwise the run is appended to the word buffer.
    /// </summary>
    /// <returns>The index after the run.</returns>
    private int EncodeAsciiRun(string text, int i, int end, bool lowercase, TokenBuffer output)
    {
        // In ASCII, HF's word chars are exactly letters and digits (every other printable char is punctuation).
        int run = text.AsSpan(i, end - i).IndexOfAnyExcept(AsciiLettersAndDigits);
        int j = run < 0 ? end : i + run;
        bool upper = text.AsSpan(i, j - i).ContainsAnyInRange('A', 'Z');
        bool wordEnds = j == end || (text[j] < 0x80 && CharClassifier.Classify(text[j]) is CharClass.Separator or CharClass.Punctuation);
        if (wordEnds)
        {
            ReadOnlySpan<char> word = text.AsSpan(i, j - i);
            if (upper && lowercase)
            {
                output.EnsureWordCapacity(word.Length);
                Ascii.ToLower(word, output.Word, out _);
                word = output.Word.AsSpan(0, j - i);
            }
            WordPiece(word, output, null, null, i);
            return j;
        }
        for (int k = i; k < j; k++)
        {
            char d = text[k];
            output.AppendToWord(lowercase && (uint)(d - 'A') <= 'Z' - 'A' ? (char)(d | 0x20) : d, k, k + 1);
        }
        return j;
    }

    /// <summary>Runs WordPiece on the word assembled in the buffer, then clears it.</summary>
    private void FlushWord(TokenBuffer output)
    {
        int length = output.WordLength;
        if (length == 0) return;
        output.WordLength = 0;
        WordPiece(output.Word.AsSpan(0, length), output, output.WordStarts, output.WordEnds, 0);
    }

    /// <summary>
    /// WordPiece on one word: greedy longest match first; one unmatched piece makes the whole word [UNK]. Piece offsets
    /// come from <paramref name="starts"/>/<paramref name="ends"/> per char, or are <paramref name="baseOffset"/> + index
    /// when those are null (the word is a contiguous slice of the text).
    /// </summary>
    private void WordPiece(ReadOnlySpan<char> word, TokenBuffer output, int[]? starts, int[]? ends, int baseOffset)
    {
        int length = word.Length;
        int wordStart = starts is null ? baseOffset : starts[0];
        int wordEnd = ends is null ? baseOffset + length : ends[length - 1];

        // HF counts code points against max_input_chars_per_word (100).
        if (length > _maxInputCharsPerWord && CountCodePoints(word) > _maxInputCharsPerWord)
        {
            output.Add(_unkId, wordStart, wordEnd);
            return;
        }

        int mark = output.Count;
        int pieceStart = 0;
        while (pieceStart < length)
        {
            int limit = pieceStart == 0 ? _vocab.MaxTokenLength : _vocab.MaxContinuationLength;
            int pieceEnd = Math.Min(length, pieceStart + limit);
            int id = -1;
            for (; pieceEnd > pieceStart; pieceEnd--)
            {
                ReadOnlySpan<char> piece = word[pieceStart..pieceEnd];
                id = pieceStart == 0 ? _vocab.Lookup(piece) : _vocab.LookupContinuation(piece);
                if (id >= 0) break;
            }
            if (id < 0)
            {
                output.Count = mark;
                output.Add(_unkId, wordStart, wordEnd);
                return;
            }
            if (starts is null) output.Add(id, baseOffset + pieceStart, baseOffset + pieceEnd);
            else output.Add(id, starts[pieceStart], ends![pieceEnd - 1]);
            pieceStart = pieceEnd;
        }
    }

    private static int CountCodePoints(ReadOnlySpan<char> word)
    {
        int count = word.Length;
        foreach (char c in word)
        {
            if (char.IsLowSurrogate(c)) count--;
        }
        return count;
    }

    /// <summary>
    /// Python's <c>str.lower()</c> maps capital sigma to final "ς" when a cased letter precedes it and none follows
    /// (skipping case-ignorable chars) within the whitespace token.
    /// </summary>
    private static bool IsFinalSigma(string text, int index, int start, int end)
    {
        return CasedNeighbour(text, index - 1, start, end, step: -1) && !CasedNeighbour(text, index + 1, start, end, step: 1);
    }

    private static bool CasedNeighbour(string text, int i, int start, int end, int step)
    {
        while (i >= start && i < end)
        {
            int cp = text[i];
            if (char.IsSurrogate(text[i]))
            {
                if (step < 0 && char.IsLowSurrogate(text[i]) && i - 1 >= start && char.IsHighSurrogate(text[i - 1])) cp = char.ConvertToUtf32(text[--i], text[i + 1]);
                else if (step > 0 && char.IsHighSurrogate(text[i]) && i + 1 < end && char.IsLowSurrogate(text[i + 1])) cp = char.ConvertToUtf32(text[i], text[++i]);
            }
            CharClass cls = CharClassifier.Classify(cp);
            if (cls is CharClass.Separator or CharClass.Cjk) return false;
            if (cls != CharClass.Removed && !CharClassifier.IsCaseIgnorable(cp)) return CharClassifier.IsCased(cp);
            i += step;
        }
        return false;
    }
}
