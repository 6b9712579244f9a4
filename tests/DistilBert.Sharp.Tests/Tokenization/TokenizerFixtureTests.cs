using System.Text.Json;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Tests.Tokenization;

/// <summary>Parity with HF transformers' DistilBertTokenizer on the golden fixtures (skipped without ../shared).</summary>
public sealed class TokenizerFixtureTests
{
    private static (string Text, int[] Ids, string Source)[] ReadRows()
    {
        string path = SharedData.RequireFixture(Path.Combine("tokenizer", "distilbert-base-uncased.jsonl"));
        return File.ReadLines(path).Where(l => l.Length > 0).Select(line =>
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            return (root.GetProperty("text").GetString()!, root.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                root.GetProperty("source").GetString()!);
        }).ToArray();
    }

    private static void AssertAllRowsMatch(DistilBertTokenizer tokenizer)
    {
        var rows = ReadRows();
        Assert.Equal(445, rows.Length);
        var failures = new List<string>();
        foreach (var (text, ids, source) in rows)
        {
            int[] actual = tokenizer.EncodeToIds(text);
            if (!actual.SequenceEqual(ids))
                failures.Add($"[{source}] {JsonSerializer.Serialize(text)[..Math.Min(80, JsonSerializer.Serialize(text).Length)]}\n  expected {string.Join(",", ids.Take(40))}\n  actual   {string.Join(",", actual.Take(40))}");
            // Encode (the full path with offsets) must agree with the ids-only path.
            Assert.Equal(actual, tokenizer.Encode(text, new EncodeOptions { ReturnOffsets = true }).InputIds[0]);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {rows.Length} rows differ from HF:\n" + string.Join("\n", failures.Take(20)));
    }

    [SkippableFact]
    public void All_445_jsonl_rows_match_HF_ids_with_vocab_txt()
    {
        var tokenizer = DistilBertTokenizer.FromPretrained(SharedData.RequireModel("distilbert-base-uncased"));
        AssertAllRowsMatch(tokenizer);
    }

    [SkippableFact]
    public void Tokenizer_json_alone_gives_the_same_ids_as_vocab_txt()
    {
        string model = SharedData.RequireModel("distilbert-base-uncased");
        using var temp = new TempDirectory();
        File.Copy(Path.Combine(model, "tokenizer.json"), temp.Combine("tokenizer.json"));
        var fromJson = DistilBertTokenizer.FromPretrained(temp.Path);
        Assert.Equal(30522, fromJson.VocabSize);
        Assert.True(fromJson.DoLowerCase);
        AssertAllRowsMatch(fromJson);
    }

    [SkippableFact]
    public void All_8_batch_cases_match_HF_ids_and_attention_masks()
    {
        var tokenizer = DistilBertTokenizer.FromPretrained(SharedData.RequireModel("distilbert-base-uncased"));
        string path = SharedData.RequireFixture(Path.Combine("tokenizer", "batch-cases.json"));
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        int checkedCases = 0;
        foreach (var testCase in doc.RootElement.EnumerateArray())
        {
            string name = testCase.GetProperty("name").GetString()!;
            var args = testCase.GetProperty("args").EnumerateArray().Select(a => a.EnumerateArray().Select(t => t.GetString()!).ToArray()).ToArray();
            var options = ToOptions(testCase.GetProperty("kwargs"));
            var encoding = args.Length == 2 ? tokenizer.EncodeBatch(args[0], args[1], options) : tokenizer.EncodeBatch(args[0], options);
            Assert.True(Matrix(testCase, "input_ids").SequenceEqual(encoding.InputIds, ArrayComparer), $"{name}: input_ids differ");
            Assert.True(Matrix(testCase, "attention_mask").SequenceEqual(encoding.AttentionMask, ArrayComparer), $"{name}: attention_mask differs");
            checkedCases++;
        }
        Assert.Equal(8, checkedCases);
    }

    [SkippableFact]
    public void SavePretrained_of_the_real_tokenizer_writes_the_same_vocab_txt_and_config()
    {
        string model = SharedData.RequireModel("distilbert-base-uncased");
        using var temp = new TempDirectory();
        var tokenizer = DistilBertTokenizer.FromPretrained(model);
        tokenizer.SavePretrained(temp.Path);
        Assert.Equal(File.ReadAllBytes(Path.Combine(model, "vocab.txt")), File.ReadAllBytes(temp.Combine("vocab.txt")));
        using var original = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "tokenizer_config.json")));
        using var saved = JsonDocument.Parse(File.ReadAllText(temp.Combine("tokenizer_config.json")));
        foreach (var property in original.RootElement.EnumerateObject())
            Assert.Equal(property.Value.GetRawText(), saved.RootElement.GetProperty(property.Name).GetRawText());
    }

    [SkippableFact]
    public void Offsets_of_every_fixture_token_cover_the_original_characters_it_came_from()
    {
        var tokenizer = DistilBertTokenizer.FromPretrained(SharedData.RequireModel("distilbert-base-uncased"));
        foreach (var (text, _, _) in ReadRows())
        {
            var encoding = tokenizer.Encode(text, new EncodeOptions { ReturnOffsets = true });
            var tokens = tokenizer.ConvertIdsToTokens(encoding.InputIds[0]);
            for (int k = 1; k < tokens.Count - 1; k++)
            {
                var (start, end) = encoding.Offsets![0][k];
                Assert.True(start < end && end <= text.Length, $"{text}: token {k} has offsets ({start}, {end})");
                if (tokens[k] == "[UNK]" || tokens[k].StartsWith('[')) continue;
                // Independent check: HF's normalization applied to the original slice gives back the token text (or
                // contains it, when one original char decomposes into several pieces, e.g. a Hangul syllable into jamo).
                string piece = tokens[k].StartsWith("##", StringComparison.Ordinal) ? tokens[k][2..] : tokens[k];
                string normalized = NormalizeLikeHf(text[start..end]);
                if (end - start > 1 || normalized.Length == piece.Length) Assert.Equal(piece, normalized);
                else Assert.Contains(piece, normalized, StringComparison.Ordinal);
            }
        }
    }

    private static string NormalizeLikeHf(string slice)
    {
        var kept = slice.Where(c => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) is not
            (System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format));
        string decomposed = string.Concat(kept).ToLowerInvariant().Normalize(System.Text.NormalizationForm.FormD);
        return string.Concat(decomposed.Where(c => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark));
    }

    private static EncodeOptions ToOptions(JsonElement kwargs)
    {
        var options = new EncodeOptions();
        foreach (var property in kwargs.EnumerateObject())
        {
            var v = property.Value;
            options = property.Name switch
            {
                "padding" => options with
                {
                    Padding = v.ValueKind == JsonValueKind.True || v.GetString() == "longest" ? PaddingStrategy.Longest
                        : v.ValueKind == JsonValueKind.False ? PaddingStrategy.None
                        : v.GetString() == "max_length" ? PaddingStrategy.MaxLength : throw new NotSupportedException(v.ToString()),
                },
                "truncation" => options with
                {
                    Truncation = v.ValueKind == JsonValueKind.True ? TruncationStrategy.LongestFirst
                        : v.ValueKind == JsonValueKind.False ? TruncationStrategy.None
                        : v.GetString() switch
                        {
                            "longest_first" => TruncationStrategy.LongestFirst,
                            "only_first" => TruncationStrategy.OnlyFirst,
                            "only_second" => TruncationStrategy.OnlySecond,
                            _ => throw new NotSupportedException(v.ToString()),
                        },
                },
                "max_length" => options with { MaxLength = v.GetInt32() },
                "pad_to_multiple_of" => options with { PadToMultipleOf = v.GetInt32() },
                "add_special_tokens" => options with { AddSpecialTokens = v.GetBoolean() },
                _ => throw new NotSupportedException($"kwarg {property.Name}"),
            };
        }
        return options;
    }

    private static int[][] Matrix(JsonElement testCase, string key) =>
        testCase.GetProperty(key).EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();

    private static readonly IEqualityComparer<int[]> ArrayComparer =
        EqualityComparer<int[]>.Create((a, b) => a!.SequenceEqual(b!), a => a.Length);
}
