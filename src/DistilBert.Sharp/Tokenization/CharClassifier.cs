using System.Globalization;

namespace DistilBert.Sharp.Tokenization;

/// <summary>How HF's BasicTokenizer treats one code point of the original text.</summary>
internal enum CharClass : byte
{
    /// <summary>Part of a word (letters, digits, symbols that are not punctuation).</summary>
    Word = 0,
    /// <summary>Deleted by <c>_clean_text</c>: NUL, U+FFFD and every "C*" category except \t \n \r. Deleting (not
    /// splitting) is what HF does: "zero\u200bwidth" becomes one word.</summary>
    Removed = 1,
    /// <summary>Splits words: ' ', \t, \n, \r, "Zs" (HF <c>_is_whitespace</c>), plus "Zl"/"Zp", which survive
    /// <c>_clean_text</c> but are split by Python's <c>str.split()</c> in <c>whitespace_tokenize</c>.</summary>
    Separator = 2,
    /// <summary>A CJK ideograph (HF <c>_is_chinese_char</c>): becomes a word of its own.</summary>
    Cjk = 3,
    /// <summary>Punctuation (HF <c>_is_punctuation</c>): becomes a word of its own.</summary>
    Punctuation = 4,
}

/// <summary>
/// The character classes of HF's <c>BasicTokenizer</c>, on Unicode code points (Python's unit), with a precomputed
/// table for the BMP so the hot loop does one array read per char.
/// </summary>
internal static class CharClassifier
{
    private static readonly CharClass[] Bmp = BuildBmpTable();

    /// <summary>Class of a BMP char (lone surrogates are "Cs", hence <see cref="CharClass.Removed"/>).</summary>
    public static CharClass Classify(char c) => Bmp[c];

    /// <summary>Class of any code point.</summary>
    public static CharClass Classify(int codePoint) =>
        codePoint <= 0xFFFF ? Bmp[codePoint] : ClassifySlow(codePoint);

    /// <summary>HF <c>_is_punctuation</c>: the four ASCII symbol ranges (e.g. "$", "^", "`") or any "P*" category.</summary>
    public static bool IsPunctuation(int cp)
    {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
            return true;
        return CharUnicodeInfo.GetUnicodeCategory(cp) switch
        {
            UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation => true,
            _ => false,
        };
    }

    /// <summary>HF <c>_is_chinese_char</c>: the CJK Unified Ideographs blocks (not Hiragana, Katakana or Hangul).</summary>
    public static bool IsCjk(int cp) =>
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF) ||
        (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);

    /// <summary>Unicode "cased" letter (Lu, Ll, Lt), used for Python's final-sigma rule.</summary>
    public static bool IsCased(int cp) => CharUnicodeInfo.GetUnicodeCategory(cp) is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    /// <summary>Unicode "case-ignorable" (approximation: Mn, Me, Cf, Lm, Sk and the MidLetter/MidNumLet marks).</summary>
    public static bool IsCaseIgnorable(int cp) => cp is '\'' or '.' or ':' or '\u00B7' or '\u2018' or '\u2019' or '\u2024'
        or '\u2027' or '\uFE52' or '\uFE55' or '\uFF07' or '\uFF0E' or '\uFF1A' || CharUnicodeInfo.GetUnicodeCategory(cp) is
        UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
        or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;

    private static CharClass ClassifySlow(int cp)
    {
        // Order matters and follows HF: _clean_text runs first (whitespace test before control test, so \t \n \r
        // split), then _tokenize_chinese_chars, then punctuation splitting.
        if (cp == 0 || cp == 0xFFFD) return CharClass.Removed;
        if (cp is ' ' or '\t' or '\n' or '\r') return CharClass.Separator;
        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        switch (category)
        {
            case UnicodeCategory.SpaceSeparator:
            case UnicodeCategory.LineSeparator:
            case UnicodeCategory.ParagraphSeparator:
                return CharClass.Separator;
            case UnicodeCategory.Control:
            case UnicodeCategory.Format:
            case UnicodeCategory.Surrogate:
            case UnicodeCategory.PrivateUse:
            case UnicodeCategory.OtherNotAssigned:
                return CharClass.Removed;
        }
        if (IsCjk(cp)) return CharClass.Cjk;
        return IsPunctuation(cp) ? CharClass.Punctuation : CharClass.Word;
    }

    private static CharClass[] BuildBmpTable()
    {
        var table = new CharClass[0x10000];
        for (int cp = 0; cp < table.Length; cp++)
            table[cp] = cp is >= 0xD800 and <= 0xDFFF ? CharClass.Removed : ClassifySlow(cp);
        return table;
    }
}
