using System.Text.Json.Nodes;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Tests.FirstHour;

/// <summary>Issue #17, defect 8: SavePretrained writes HF's fast-tokenizer file, tokenizer.json.</summary>
public class TokenizerJsonTests
{
    private static readonly string[] Texts =
    [
        "A wonderful, moving film.", "Héllo WORLD! Unbelievably über-tokenized text: 3.14, naïve café — 日本語 tests.",
        "<br /><br />I can't believe it's not butter!!!", "",
    ];

    [SkippableTheory]
    [InlineData("minilm-l6-h384-distilbert")]
    [InlineData("distilbert-base-uncased")]
    public void Saved_tokenizer_json_equals_the_HF_file_and_loads_alone_to_the_same_ids(string modelName)
    {
        string original = SharedData.RequireModel(modelName);
        using var temp = new TempDirectory();
        var tokenizer = DistilBertTokenizer.FromPretrained(original);
        tokenizer.SavePretrained(temp.Path);

        var written = JsonNode.Parse(File.ReadAllText(temp.Combine("tokenizer.json")));
        var reference = JsonNode.Parse(File.ReadAllText(Path.Combine(original, "tokenizer.json")));
        Assert.True(JsonNode.DeepEquals(reference, written), "tokenizer.json differs from the one HF wrote for " + modelName);

        // Only tokenizer.json in the folder: the library's own loader reads it and produces the same ids.
        string alone = Directory.CreateDirectory(temp.Combine("alone")).FullName;
        File.Copy(temp.Combine("tokenizer.json"), Path.Combine(alone, "tokenizer.json"));
        var fromJson = DistilBertTokenizer.FromPretrained(alone);
        foreach (string text in Texts) Assert.Equal(tokenizer.EncodeToIds(text), fromJson.EncodeToIds(text));
        Assert.Equal(tokenizer.Encode("first part", "second part").TokenTypeIds, fromJson.Encode("first part", "second part").TokenTypeIds);
    }

    [Fact]
    public void A_small_vocabulary_round_trips_through_tokenizer_json_alone()
    {
        using var temp = new TempDirectory();
        string dir = TinyImdb.WriteModel(temp.Combine("m"));
        var tokenizer = DistilBertTokenizer.FromPretrained(dir);
        tokenizer.SavePretrained(temp.Combine("saved"));
        var json = JsonNode.Parse(File.ReadAllText(temp.Combine("saved", "tokenizer.json")))!;
        Assert.Equal(tokenizer.VocabSize, json["model"]!["vocab"]!.AsObject().Count);
        Assert.Equal(5, json["added_tokens"]!.AsArray().Count); // [PAD] [UNK] [CLS] [SEP] [MASK], in id order
        Assert.Equal([0, 1, 2, 3, 4], json["added_tokens"]!.AsArray().Select(t => (int)t!["id"]!));

        string alone = Directory.CreateDirectory(temp.Combine("alone")).FullName;
        File.Copy(temp.Combine("saved", "tokenizer.json"), Path.Combine(alone, "tokenizer.json"));
        var fromJson = DistilBertTokenizer.FromPretrained(alone);
        Assert.Equal(tokenizer.EncodeToIds("the Movie was GREAT and wonderful"), fromJson.EncodeToIds("the Movie was GREAT and wonderful"));
    }
}
