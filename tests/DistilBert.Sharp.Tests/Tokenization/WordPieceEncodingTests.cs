using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Tests.Tokenization;

/// <summary>HF BasicTokenizer + WordPiece semantics on a tiny vocabulary, with hand-computed expectations.</summary>
public sealed class WordPieceEncodingTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly DistilBertTokenizer _tokenizer;

    public WordPieceEncodingTests() => _tokenizer = TinyVocabulary.Create(_dir);

    public void Dispose() => _dir.Dispose();

    private static int[] Ids(params string[] tokens) => tokens.Select(TinyVocabulary.Id).ToArray();

    private int[] Encode(string text) => _tokenizer.EncodeToIds(text, addSpecialTokens: false);

    [Fact]
    public void Lowercases_and_splits_punctuation_and_adds_cls_sep()
    {
        Assert.Equal(Ids("[CLS]", "hello", ",", "world", "!", "[SEP]"), _tokenizer.EncodeToIds("Hello, WORLD!"));
    }

    [Fact]
    public void Newline_tab_and_carriage_return_split_words_instead_of_being_deleted()
    {
        // ML.Tokenizers 2.0 deletes these (dotnet/machinelearning#7724) and would produce "helloworld…".
        Assert.Equal(Ids("hello", "world", "play", "##ing", "hello"), Encode("hello\nworld\tplaying\r\nhello"));
    }

    [Fact]
    public void Control_and_format_chars_are_deleted_without_splitting()
    {
        Assert.Equal(Ids("hello"), Encode("hel\u200blo"));
        Assert.Equal(Ids("hello"), Encode("hel\0lo"));
        Assert.Equal(Ids("hello"), Encode("\uFEFFhel\uFFFDlo"));
    }

    [Fact]
    public void Unicode_spaces_and_line_separators_split_words()
    {
        Assert.Equal(Ids("hello", "world", "hello"), Encode("hello\u00A0world\u2028hello"));
    }

    [Fact]
    public void Greedy_longest_match_first_with_continuation_pieces()
    {
        Assert.Equal(Ids("un", "##aff", "##able"), Encode("unaffable"));
        Assert.Equal(Ids("a", "##b", "##c", "##b"), Encode("abcb"));
    }

    [Fact]
    public void A_word_with_an_unmatchable_piece_becomes_a_single_unk()
    {
        Assert.Equal(Ids("[UNK]", "hello"), Encode("abx hello"));
    }

    [Fact]
    public void Accents_are_stripped_when_lowercasing()
    {
        Assert.Equal(Ids("cafe", "cafe"), Encode("Café CAFÉ"));
        Assert.Equal(Ids("cafe"), Encode("cafe\u0301")); // combining accent after the word
    }

    [Fact]
    public void Cjk_ideographs_become_words_of_their_own()
    {
        Assert.Equal(Ids("a", "中", "文", "b"), Encode("a中文b"));
    }

    [Fact]
    public void Capital_sigma_at_word_end_lowercases_to_final_sigma_like_python()
    {
        Assert.Equal(Ids("οδος", "."), Encode("ΟΔΟΣ."));
    }

    [Fact]
    public void Special_token_strings_in_text_are_kept_case_sensitively()
    {
        Assert.Equal(Ids("[CLS]", "hello", "[MASK]", "[SEP]"), Encode("[CLS]hello [MASK][SEP]"));
        Assert.Equal(Ids("[", "[UNK]", "]"), Encode("[cls]"));
    }

    [Fact]
    public void Words_over_100_code_points_are_unk_counting_code_points_not_utf16_units()
    {
        Assert.Equal(Ids("[UNK]"), Encode("a" + new string('b', 100)));
        Assert.Equal(100, Encode("a" + new string('b', 99)).Length);
        // 60 emoji are 120 UTF-16 units but 60 code points: still tokenized.
        int[] emoji = Encode(string.Concat(Enumerable.Repeat("😀", 60)));
        Assert.Equal([TinyVocabulary.Id("😀"), .. Enumerable.Repeat(TinyVocabulary.Id("##😀"), 59)], emoji);
    }

    [Fact]
    public void Empty_and_whitespace_only_texts_give_only_special_tokens()
    {
        Assert.Equal(Ids("[CLS]", "[SEP]"), _tokenizer.EncodeToIds(""));
        Assert.Equal(Ids("[CLS]", "[SEP]"), _tokenizer.EncodeToIds(" \t\n\u3000 "));
    }

    [Fact]
    public void Cased_config_keeps_case_and_accents()
    {
        using var dir = new TempDirectory();
        var cased = TinyVocabulary.Create(dir, doLowerCase: false);
        Assert.False(cased.DoLowerCase);
        Assert.False(cased.StripAccents);
        Assert.Equal(Ids("Hello", "hello", "[UNK]"), cased.EncodeToIds("Hello hello Café", addSpecialTokens: false));
    }

    [Fact]
    public void Offsets_map_every_token_back_to_the_original_characters()
    {
        const string text = "Héllo,\u200b WORLD!\nunaffable 中";
        var encoding = _tokenizer.Encode(text, new EncodeOptions { ReturnOffsets = true });
        var tokens = _tokenizer.ConvertIdsToTokens(encoding.InputIds[0]);
        (int, int)[] expected = [(0, 0), (0, 5), (5, 6), (8, 13), (13, 14), (15, 17), (17, 20), (20, 24), (25, 26), (0, 0)];
        Assert.Equal(expected, encoding.Offsets![0]);
        Assert.Equal(["[CLS]", "hello", ",", "world", "!", "un", "##aff", "##able", "中", "[SEP]"], tokens);
    }

    [Fact]
    public void Tokenize_and_id_conversions_round_trip()
    {
        Assert.Equal(["un", "##aff", "##able", "!"], _tokenizer.Tokenize("unaffable!"));
        Assert.Equal(Ids("hello", "[UNK]"), _tokenizer.ConvertTokensToIds(["hello", "nope"]));
        Assert.Equal(TinyVocabulary.Tokens.Length, _tokenizer.VocabSize);
        Assert.Equal([1, 3, 0, 2, 4], _tokenizer.AllSpecialIds);
        Assert.Equal((0, 1, 2, 3, 4), (_tokenizer.PadTokenId, _tokenizer.UnkTokenId, _tokenizer.ClsTokenId, _tokenizer.SepTokenId, _tokenizer.MaskTokenId));
        Assert.Equal(16, _tokenizer.ModelMaxLength);
    }

    [Fact]
    public void Config_options_strip_accents_false_and_tokenize_chinese_chars_false_are_honoured()
    {
        using var keepAccents = new TempDirectory();
        var lowerOnly = TinyVocabulary.Create(keepAccents, extraConfig: ", \"strip_accents\": false");
        Assert.True(lowerOnly.DoLowerCase);
        Assert.False(lowerOnly.StripAccents);
        // Lowercased, accents kept, and NFC-composed first as HF does, so a decomposed "é" still matches "café".
        Assert.Equal(Ids("café", "café"), lowerOnly.EncodeToIds("CAFÉ cafe\u0301", addSpecialTokens: false));

        using var noCjk = new TempDirectory();
        var wholeWords = TinyVocabulary.Create(noCjk, extraConfig: ", \"tokenize_chinese_chars\": false");
        Assert.Equal(Ids("[UNK]"), wholeWords.EncodeToIds("a中文b", addSpecialTokens: false));
    }
}
