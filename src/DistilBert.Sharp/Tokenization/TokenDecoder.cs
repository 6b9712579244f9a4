using System.Text;

namespace DistilBert.Sharp.Tokenization;

/// <summary>HF's slow-tokenizer decoding: join tokens with spaces, glue "##" pieces, optionally tidy punctuation spaces.</summary>
internal static class TokenDecoder
{
    /// <summary>HF <c>convert_tokens_to_string</c> followed by <c>clean_up_tokenization</c> when asked.</summary>
    public static string Decode(IEnumerable<string> tokens, string continuationPrefix, bool cleanUpSpaces)
    {
        string text = string.Join(" ", tokens).Replace(" " + continuationPrefix, "", StringComparison.Ordinal).Trim();
        return cleanUpSpaces ? CleanUp(text) : text;
    }

    /// <summary>HF <c>clean_up_tokenization</c>: removes the spaces that decoding put before punctuation and English contractions.</summary>
    public static string CleanUp(string text) => new StringBuilder(text)
        .Replace(" .", ".").Replace(" ?", "?").Replace(" !", "!").Replace(" ,", ",").Replace(" ' ", "'")
        .Replace(" n't", "n't").Replace(" 'm", "'m").Replace(" 's", "'s").Replace(" 've", "'ve").Replace(" 're", "'re")
        .ToString();
}
