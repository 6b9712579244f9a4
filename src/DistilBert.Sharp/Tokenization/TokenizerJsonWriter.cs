using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DistilBert.Sharp.IO;

namespace DistilBert.Sharp.Tokenization;

/// <summary>
/// Writes the HF fast tokenizer's single file, <c>tokenizer.json</c>, as <c>transformers</c>' BERT converter produces it
/// (BertNormalizer, BertPreTokenizer, TemplateProcessing [CLS] A [SEP] / [CLS] A [SEP] B [SEP], WordPiece decoder and
/// model, the special tokens as added tokens). Runtimes that read only this file (HF <c>tokenizers</c>, TEI,
/// transformers.js, ONNX Runtime extensions) then load a folder the library saved.
/// </summary>
internal static class TokenizerJsonWriter
{
    // Same layout as the Rust serializer: two-space indent, non-ASCII characters written as UTF-8, not \u escapes.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(string path, TokenizerSettings settings, WordPieceVocabulary vocab) =>
        AtomicFile.WriteAllText(path, Build(settings, vocab).ToJsonString(Indented));

    public static JsonObject Build(TokenizerSettings settings, WordPieceVocabulary vocab)
    {
        int Id(string token) => vocab.TryGetId(token)
            ?? throw new InvalidOperationException($"Special token '{token}' is not in the vocabulary; cannot write tokenizer.json.");

        var added = new JsonArray();
        foreach (var (token, id) in settings.AllSpecialTokens.Select(t => (t, Id(t))).OrderBy(x => x.Item2))
        {
            added.Add(new JsonObject
            {
                ["id"] = id, ["content"] = token, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
                ["normalized"] = false, ["special"] = true,
            });
        }

        var vocabJson = new JsonObject();
        for (int id = 0; id < vocab.Size; id++)
        {
            string token = vocab.TryGetToken(id)
                ?? throw new InvalidOperationException($"No token has id {id}; tokenizer.json's vocabulary cannot express gaps.");
            vocabJson[token] = id;
        }

        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = new JsonObject
            {
                ["type"] = "BertNormalizer",
                ["clean_text"] = true,
                ["handle_chinese_chars"] = settings.TokenizeChineseChars,
                ["strip_accents"] = settings.StripAccents,
                ["lowercase"] = settings.DoLowerCase,
            },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "BertPreTokenizer" },
            ["post_processor"] = PostProcessor(settings.ClsToken, Id(settings.ClsToken), settings.SepToken, Id(settings.SepToken)),
            ["decoder"] = new JsonObject { ["type"] = "WordPiece", ["prefix"] = settings.ContinuationPrefix, ["cleanup"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "WordPiece",
                ["unk_token"] = settings.UnkToken,
                ["continuing_subword_prefix"] = settings.ContinuationPrefix,
                ["max_input_chars_per_word"] = settings.MaxInputCharsPerWord,
                ["vocab"] = vocabJson,
            },
        };
    }

    private static JsonObject PostProcessor(string cls, int clsId, string sep, int sepId)
    {
        static JsonObject Special(string token, int typeId) => new() { ["SpecialToken"] = new JsonObject { ["id"] = token, ["type_id"] = typeId } };
        static JsonObject Sequence(string name, int typeId) => new() { ["Sequence"] = new JsonObject { ["id"] = name, ["type_id"] = typeId } };
        static JsonObject Entry(string token, int id) => new() { ["id"] = token, ["ids"] = new JsonArray(id), ["tokens"] = new JsonArray(token) };
        return new JsonObject
        {
            ["type"] = "TemplateProcessing",
            ["single"] = new JsonArray(Special(cls, 0), Sequence("A", 0), Special(sep, 0)),
            ["pair"] = new JsonArray(Special(cls, 0), Sequence("A", 0), Special(sep, 0), Sequence("B", 1), Special(sep, 1)),
            ["special_tokens"] = new JsonObject { [cls] = Entry(cls, clsId), [sep] = Entry(sep, sepId) },
        };
    }
}
