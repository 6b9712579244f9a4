using System.Globalization;
using System.Text;

namespace DistilBert.Sharp.Tokenization;

/// <summary>
/// Per-character lowercasing and accent stripping with HF's semantics: Python's <c>str.lower()</c> (full case
/// mapping: "İ" becomes "i" + U+0307), then NFD, then dropping every "Mn" mark (<c>_run_strip_accents</c>).
/// </summary>
/// <remarks>
/// HF applies these to whole whitespace-separated tokens; per character gives the same result because case mapping is
/// per character (except final sigma, handled by the caller) and NFD decomposes per character (canonical reordering
/// only moves the "Mn" marks that are removed anyway). Results for BMP chars are cached in a table filled lazily
/// (benign races: every writer stores the same string), so a non-ASCII char costs one array read after first sight.
/// </remarks>
internal sealed class CharNormalizer
{
    private readonly string?[] _bmpCache = new string?[0x10000];

    /// <summary>Creates a normalizer.</summary>
    public CharNormalizer(bool lowercase, bool stripAccents)
    {
        Lowercase = lowercase;
        StripAccents = stripAccents;
    }

    /// <summary>Whether text is lowercased.</summary>
    public bool Lowercase { get; }

    /// <summary>Whether accents are stripped (NFD, drop "Mn").</summary>
    public bool StripAccents { get; }

    /// <summary>Whether the normalizer changes anything at all.</summary>
    public bool IsIdentity => !Lowercase && !StripAccents;

    /// <summary>The normalized form of a non-surrogate BMP char (possibly empty, e.g. a lone combining accent).</summary>
    public string Normalize(char c) => _bmpCache[c] ??= Compute(c.ToString());

    /// <summary>The normalized form of a supplementary code point (rare: not cached).</summary>
    public string Normalize(Rune rune) => Compute(rune.ToString());

    private string Compute(string s)
    {
        if (Lowercase)
        {
            // .NET's invariant lowercasing is the simple mapping; the only multi-char full mapping
            // (SpecialCasing.txt, unconditional) is U+0130.
            s = s == "\u0130" ? "i\u0307" : s.ToLowerInvariant();
        }
        if (!StripAccents) return s;
        string decomposed = s.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (Rune r in decomposed.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(r) != UnicodeCategory.NonSpacingMark) builder.Append(r.ToString());
        }
        return builder.ToString();
    }
}
