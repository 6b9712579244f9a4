using System.Buffers;

namespace DistilBert.Sharp.Tokenization;

/// <summary>
/// Finds added/special token strings ("[CLS]", "[MASK]", …) written inside a text: leftmost match first, the longest
/// token when several start at the same place, matched case-sensitively like HF's <c>tokens_trie</c>.
/// </summary>
internal sealed class SpecialTokenMatcher
{
    private readonly (string Token, int Id)[] _tokens;
    private readonly SearchValues<char> _firstChars;

    /// <summary>Creates a matcher for the given tokens.</summary>
    public SpecialTokenMatcher(IEnumerable<(string Token, int Id)> tokens)
    {
        _tokens = tokens.Where(t => t.Token.Length > 0).DistinctBy(t => t.Token)
            .OrderByDescending(t => t.Token.Length).ToArray();
        _firstChars = SearchValues.Create(_tokens.Select(t => t.Token[0]).Distinct().ToArray());
    }

    /// <summary>The tokens matched, longest first.</summary>
    public IReadOnlyList<(string Token, int Id)> Tokens => _tokens;

    /// <summary>Finds the next token at or after <paramref name="from"/>.</summary>
    public bool FindNext(string text, int from, out int index, out int length, out int id)
    {
        while (_tokens.Length > 0 && from < text.Length)
        {
            int hit = text.AsSpan(from).IndexOfAny(_firstChars);
            if (hit < 0) break;
            int at = from + hit;
            foreach (var (token, tokenId) in _tokens)
            {
                if (text.AsSpan(at).StartsWith(token, StringComparison.Ordinal))
                {
                    (index, length, id) = (at, token.Length, tokenId);
                    return true;
                }
            }
            from = at + 1;
        }
        (index, length, id) = (-1, 0, -1);
        return false;
    }
}
