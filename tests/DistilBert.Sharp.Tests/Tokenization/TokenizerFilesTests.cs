using System.Text.Json.Nodes;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Tests.Tokenization;

/// <summary>Loading (vocab.txt / tokenizer.json), SavePretrained round trips, decoding and bad files.</summary>
public sealed class TokenizerFilesTests
{
    private static readonly string[] Samples = ["Hello, WORLD!", "unaffable café 中文", "[CLS] a b c [SEP]", "ΟΔΟΣ"];

    [Fact]
    public void SavePretrained_writes_HF_files_and_reloads_to_the_same_ids()
    {
        using var source = new TempDirectory();
        using var target = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(source, modelMaxLength: 64);
        tokenizer.SavePretrained(target.Path);

        Assert.Equal(TinyVocabulary.Tokens, File.ReadAllLines(target.Combine("vocab.txt")));
        var config = JsonNode.Parse(File.ReadAllText(target.Combine("tokenizer_config.json")))!.AsObject();
        Assert.True((bool)config["do_lower_case"]!);
        Assert.Equal(64, (int)config["model_max_length"]!);
        Assert.Equal("[CLS]", (string)config["cls_token"]!);
        Assert.Equal("DistilBertTokenizer", (string)config["tokenizer_class"]!);
        var map = JsonNode.Parse(File.ReadAllText(target.Combine("special_tokens_map.json")))!.AsObject();
        Assert.Equal(["cls_token", "mask_token", "pad_token", "sep_token", "unk_token"], map.Select(p => p.Key).Order());
        Assert.Empty(Directory.GetFiles(target.Path, "*.tmp"));

        var reloaded = DistilBertTokenizer.FromPretrained(target.Path);
        foreach (string text in Samples) Assert.Equal(tokenizer.EncodeToIds(text), reloaded.EncodeToIds(text));
        Assert.Equal(64, reloaded.ModelMaxLength);
    }

    [Fact]
    public void Tokenizer_json_alone_loads_vocabulary_and_normalizer_options()
    {
        using var slow = new TempDirectory();
        using var fast = new TempDirectory();
        var reference = TinyVocabulary.Create(slow);
        var vocab = new JsonObject();
        for (int i = 0; i < TinyVocabulary.Tokens.Length; i++) vocab[TinyVocabulary.Tokens[i]] = i;
        var json = new JsonObject
        {
            ["added_tokens"] = new JsonArray(new JsonObject { ["id"] = 4, ["content"] = "[MASK]", ["special"] = true }),
            ["normalizer"] = new JsonObject { ["type"] = "BertNormalizer", ["clean_text"] = true, ["handle_chinese_chars"] = true, ["strip_accents"] = null, ["lowercase"] = true },
            ["model"] = new JsonObject { ["type"] = "WordPiece", ["unk_token"] = "[UNK]", ["continuing_subword_prefix"] = "##", ["max_input_chars_per_word"] = 100, ["vocab"] = vocab },
        };
        File.WriteAllText(fast.Combine("tokenizer.json"), json.ToJsonString());
        var fromJson = DistilBertTokenizer.FromPretrained(fast.Path);
        foreach (string text in Samples) Assert.Equal(reference.EncodeToIds(text), fromJson.EncodeToIds(text));
        Assert.Equal(int.MaxValue, fromJson.ModelMaxLength); // no tokenizer_config.json: no limit, as in HF
    }

    [Fact]
    public void Decode_joins_pieces_and_optionally_skips_specials_and_cleans_spaces()
    {
        using var dir = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(dir);
        int[] ids = tokenizer.EncodeToIds("Unaffable, hello world!");
        Assert.Equal("[CLS] unaffable, hello world! [SEP]", tokenizer.Decode(ids));
        Assert.Equal("unaffable, hello world!", tokenizer.Decode(ids, skipSpecialTokens: true));
        Assert.Equal("unaffable , hello world !", tokenizer.Decode(ids, skipSpecialTokens: true, cleanUpTokenizationSpaces: false));
        Assert.Equal("unaffable", tokenizer.Decode(new long[] { 2, 7, 8, 9, 3, 0, 0 }, skipSpecialTokens: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([5, 999]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.ConvertIdsToTokens([-100]));
    }

    [Fact]
    public void Bad_folders_and_files_give_clear_errors()
    {
        Assert.Throws<DirectoryNotFoundException>(() => DistilBertTokenizer.FromPretrained("/nonexistent/tokenizer/folder"));
        using var empty = new TempDirectory();
        Assert.Contains("vocab.txt", Assert.Throws<FileNotFoundException>(() => DistilBertTokenizer.FromPretrained(empty.Path)).Message);

        using var badJson = new TempDirectory();
        File.WriteAllText(badJson.Combine("vocab.txt"), string.Join("\n", TinyVocabulary.Tokens));
        File.WriteAllText(badJson.Combine("tokenizer_config.json"), "{ not json");
        Assert.Contains("tokenizer_config.json", Assert.Throws<InvalidDataException>(() => DistilBertTokenizer.FromPretrained(badJson.Path)).Message);

        using var noUnk = new TempDirectory();
        File.WriteAllText(noUnk.Combine("vocab.txt"), "[PAD]\n[CLS]\n[SEP]\n[MASK]\nhello\n");
        Assert.Contains("[UNK]", Assert.Throws<InvalidDataException>(() => DistilBertTokenizer.FromPretrained(noUnk.Path)).Message);

        using var badType = new TempDirectory();
        File.WriteAllText(badType.Combine("vocab.txt"), string.Join("\n", TinyVocabulary.Tokens));
        File.WriteAllText(badType.Combine("tokenizer_config.json"), """{"do_lower_case": "yes"}""");
        Assert.Contains("do_lower_case", Assert.Throws<InvalidDataException>(() => DistilBertTokenizer.FromPretrained(badType.Path)).Message);

        using var bpe = new TempDirectory();
        File.WriteAllText(bpe.Combine("tokenizer.json"), """{"model": {"type": "BPE", "vocab": {}}}""");
        Assert.Contains("WordPiece", Assert.Throws<InvalidDataException>(() => DistilBertTokenizer.FromPretrained(bpe.Path)).Message);
    }
}
