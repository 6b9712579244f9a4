using System.Text.Json;
using System.Text.Json.Nodes;
using DistilBert.Sharp.IO;

namespace DistilBert.Sharp.Tokenization;

/// <summary>
/// Reads and writes the HF tokenizer files: <c>tokenizer_config.json</c> + <c>vocab.txt</c> (the slow tokenizer's
/// files), or <c>tokenizer.json</c> (the fast tokenizer's single file) when <c>vocab.txt</c> is absent.
/// </summary>
internal static class TokenizerFiles
{
    public const string VocabFile = "vocab.txt";
    public const string TokenizerConfigFile = "tokenizer_config.json";
    public const string SpecialTokensMapFile = "special_tokens_map.json";
    public const string TokenizerJsonFile = "tokenizer.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// The one place that turns a "path or Hub id" into a local folder. Today only local folders are supported; the
    /// Hub resolver plugs in here.
    /// </summary>
    internal static string ResolvePretrainedDirectory(string pathOrHubId, Hub.HubOptions? hubOptions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrHubId);
        if (Directory.Exists(pathOrHubId)) return Path.GetFullPath(pathOrHubId);
        if (Hub.PretrainedPath.LooksLikeLocalPath(pathOrHubId))
            throw new DirectoryNotFoundException(
                $"Tokenizer folder '{pathOrHubId}' does not exist. Pass a local folder holding vocab.txt or tokenizer.json, or a Hub id.");
        // A Hub id: every tokenizer file is optional on its own; Load below says which combination is missing.
        return Hub.PretrainedPath.Resolve(pathOrHubId, [],
            [TokenizerConfigFile, VocabFile, TokenizerJsonFile, SpecialTokensMapFile], hubOptions);
    }

    /// <summary>Loads settings and vocabulary from a folder.</summary>
    public static (TokenizerSettings Settings, WordPieceVocabulary Vocabulary, List<(string Token, int Id)> AddedTokens) Load(string directory)
    {
        var settings = new TokenizerSettings();
        string vocabPath = Path.Combine(directory, VocabFile);
        string jsonPath = Path.Combine(directory, TokenizerJsonFile);
        string configPath = Path.Combine(directory, TokenizerConfigFile);
        var added = new List<(string Token, int Id)>();
        WordPieceVocabulary vocab;
        if (File.Exists(vocabPath))
        {
            vocab = WordPieceVocabulary.FromVocabFile(vocabPath);
        }
        else if (File.Exists(jsonPath))
        {
            vocab = ReadTokenizerJson(jsonPath, settings, added);
        }
        else
        {
            throw new FileNotFoundException(
                $"Folder '{directory}' has neither {VocabFile} nor {TokenizerJsonFile}; a WordPiece tokenizer needs one of them.", vocabPath);
        }
        // tokenizer_config.json has the last word, as in HF (its keys become the tokenizer's init kwargs).
        if (File.Exists(configPath)) settings.ApplyTokenizerConfig(ReadObject(configPath), configPath);
        foreach (string special in settings.AllSpecialTokens)
        {
            if (vocab.TryGetId(special) is not int id)
                throw new InvalidDataException($"Special token '{special}' is not in the vocabulary of '{directory}'.");
            added.Add((special, id));
        }
        return (settings, vocab, added);
    }

    /// <summary>Writes <c>vocab.txt</c>, <c>tokenizer_config.json</c>, <c>special_tokens_map.json</c> and <c>tokenizer.json</c>.</summary>
    public static void Save(string directory, TokenizerSettings settings, WordPieceVocabulary vocab)
    {
        // The folder is swapped in whole (other files in it are kept), so a kill never mixes old and new tokenizer files.
        AtomicDirectory.Replace(directory, staging =>
        {
            vocab.Save(Path.Combine(staging, VocabFile));
            AtomicFile.WriteAllText(Path.Combine(staging, TokenizerConfigFile), settings.ToTokenizerConfig().ToJsonString(Indented) + "\n");
            AtomicFile.WriteAllText(Path.Combine(staging, SpecialTokensMapFile), settings.ToSpecialTokensMap().ToJsonString(Indented) + "\n");
            TokenizerJsonWriter.Write(Path.Combine(staging, TokenizerJsonFile), settings, vocab);
        });
    }

    private static WordPieceVocabulary ReadTokenizerJson(string path, TokenizerSettings settings, List<(string Token, int Id)> added)
    {
        JsonObject root = ReadObject(path);
        if (root["model"] is not JsonObject model || (string?)model["type"] != "WordPiece" || model["vocab"] is not JsonObject vocabJson)
            throw new InvalidDataException($"{path}: 'model' must be a WordPiece model with a 'vocab' object (got type '{(string?)root["model"]?["type"]}').");
        if (model["continuing_subword_prefix"] is JsonValue prefix) settings.ContinuationPrefix = prefix.GetValue<string>();
        if (model["max_input_chars_per_word"] is JsonValue maxChars) settings.MaxInputCharsPerWord = maxChars.GetValue<int>();
        if (model["unk_token"] is JsonValue unk) settings.UnkToken = unk.GetValue<string>();

        if (root["normalizer"] is not JsonObject normalizer || (string?)normalizer["type"] != "BertNormalizer")
            throw new NotSupportedException($"{path}: only the 'BertNormalizer' normalizer is supported (got '{(string?)root["normalizer"]?["type"] ?? "null"}').");
        if (TokenizerSettings.ReadBool(normalizer, "clean_text", path) == false)
            throw new NotSupportedException($"{path}: normalizer.clean_text = false is not supported.");
        settings.DoLowerCase = TokenizerSettings.ReadBool(normalizer, "lowercase", path) ?? true;
        settings.StripAccents = TokenizerSettings.ReadBool(normalizer, "strip_accents", path);
        settings.TokenizeChineseChars = TokenizerSettings.ReadBool(normalizer, "handle_chinese_chars", path) ?? true;

        // [CLS]/[SEP] names come from the post-processor (TemplateProcessing or BertProcessing).
        if (root["post_processor"] is JsonObject post)
        {
            if (post["cls"] is JsonArray cls) settings.ClsToken = cls[0]!.GetValue<string>();
            if (post["sep"] is JsonArray sep) settings.SepToken = sep[0]!.GetValue<string>();
        }

        var entries = new List<KeyValuePair<string, int>>();
        foreach (var (token, id) in vocabJson)
        {
            if (id is not JsonValue v || !v.TryGetValue(out int value))
                throw new InvalidDataException($"{path}: model.vocab['{token}'] must be an integer id, got {id?.ToJsonString() ?? "null"}.");
            entries.Add(new(token, value));
        }
        if (root["added_tokens"] is JsonArray addedTokens)
        {
            foreach (var node in addedTokens.OfType<JsonObject>())
            {
                string content = node["content"]!.GetValue<string>();
                int id = node["id"]!.GetValue<int>();
                added.Add((content, id));
                if (!vocabJson.ContainsKey(content)) entries.Add(new(content, id));
            }
        }
        return WordPieceVocabulary.FromEntries(entries, settings.ContinuationPrefix, path);
    }

    private static JsonObject ReadObject(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                   ?? throw new InvalidDataException($"{path}: expected a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: invalid JSON ({ex.Message}).", ex);
        }
    }
}
