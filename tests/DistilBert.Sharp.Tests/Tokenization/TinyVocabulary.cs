using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Tests.Tokenization;

/// <summary>A hand-made WordPiece vocabulary whose ids are known, so expected encodings can be worked out by hand.</summary>
internal static class TinyVocabulary
{
    /// <summary>The tokens; a token's id is its index.</summary>
    public static readonly string[] Tokens =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",           // 0-4
        "hello", "world", "un", "##aff", "##able",              // 5-9
        "play", "##ing", ",", "!", ".",                         // 10-14
        "'", "s", "t", "don", "the",                            // 15-19
        "a", "b", "c", "##b", "##c",                            // 20-24
        "cafe", "中", "文", "οδος", "οδοσ",                      // 25-29
        "Hello", "😀", "##😀", "[", "]",                          // 30-34
        "café",                                                 // 35 (NFC)
    ];

    public static int Id(string token) => Array.IndexOf(Tokens, token);

    /// <summary>Writes vocab.txt and tokenizer_config.json into <paramref name="dir"/> and loads the tokenizer.</summary>
    public static DistilBertTokenizer Create(TempDirectory dir, bool doLowerCase = true, int modelMaxLength = 16, string? extraConfig = null)
    {
        File.WriteAllText(dir.Combine("vocab.txt"), string.Join("\n", Tokens) + "\n");
        File.WriteAllText(dir.Combine("tokenizer_config.json"),
            $$"""{"do_lower_case": {{(doLowerCase ? "true" : "false")}}, "model_max_length": {{modelMaxLength}}, "clean_up_tokenization_spaces": true {{extraConfig}}}""");
        return DistilBertTokenizer.FromPretrained(dir.Path);
    }
}
