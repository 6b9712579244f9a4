using System.Text.Json.Nodes;

namespace DistilBert.Sharp.Tokenization;

/// <summary>
/// The options of a BERT-style WordPiece tokenizer, with HF's names and defaults (<c>BertTokenizer.__init__</c>).
/// </summary>
internal sealed class TokenizerSettings
{
    /// <summary>HF's stand-in for "no limit" (<c>VERY_LARGE_INTEGER = int(1e30)</c>), written back on save.</summary>
    private const string VeryLargeInteger = "1000000000000000019884624838656";

    public bool DoLowerCase { get; set; } = true;
    /// <summary>Null means "follow <see cref="DoLowerCase"/>", HF's default.</summary>
    public bool? StripAccents { get; set; }
    public bool TokenizeChineseChars { get; set; } = true;
    public int ModelMaxLength { get; set; } = int.MaxValue;
    public bool CleanUpTokenizationSpaces { get; set; } = true;
    public int MaxInputCharsPerWord { get; set; } = 100;
    public string ContinuationPrefix { get; set; } = "##";
    public string TokenizerClass { get; set; } = "DistilBertTokenizer";
    public string UnkToken { get; set; } = "[UNK]";
    public string SepToken { get; set; } = "[SEP]";
    public string PadToken { get; set; } = "[PAD]";
    public string ClsToken { get; set; } = "[CLS]";
    public string MaskToken { get; set; } = "[MASK]";
    public List<string> AdditionalSpecialTokens { get; } = [];

    /// <summary>Whether accents are stripped: explicitly, or because lowercasing implies it (HF's rule).</summary>
    public bool EffectiveStripAccents => StripAccents ?? DoLowerCase;

    /// <summary>The five role tokens followed by the additional special tokens, without duplicates.</summary>
    public IEnumerable<string> AllSpecialTokens =>
        new[] { UnkToken, SepToken, PadToken, ClsToken, MaskToken }.Concat(AdditionalSpecialTokens).Distinct();

    /// <summary>Applies the keys of a <c>tokenizer_config.json</c> (unknown keys are ignored, as HF does).</summary>
    public void ApplyTokenizerConfig(JsonObject json, string source)
    {
        DoLowerCase = ReadBool(json, "do_lower_case", source) ?? DoLowerCase;
        if (json.TryGetPropertyValue("strip_accents", out var strip)) StripAccents = strip is null ? null : ReadBool(json, "strip_accents", source);
        TokenizeChineseChars = ReadBool(json, "tokenize_chinese_chars", source) ?? TokenizeChineseChars;
        CleanUpTokenizationSpaces = ReadBool(json, "clean_up_tokenization_spaces", source) ?? CleanUpTokenizationSpaces;
        if (json["model_max_length"] is JsonValue maxLength)
        {
            double value = maxLength.GetValue<double>();
            if (value < 1) throw new InvalidDataException($"{source}: model_max_length must be positive, got {value}.");
            ModelMaxLength = value >= int.MaxValue ? int.MaxValue : (int)value;
        }
        if (json["tokenizer_class"] is JsonValue cls) TokenizerClass = cls.GetValue<string>();
        UnkToken = ReadToken(json, "unk_token", source) ?? UnkToken;
        SepToken = ReadToken(json, "sep_token", source) ?? SepToken;
        PadToken = ReadToken(json, "pad_token", source) ?? PadToken;
        ClsToken = ReadToken(json, "cls_token", source) ?? ClsToken;
        MaskToken = ReadToken(json, "mask_token", source) ?? MaskToken;
        if (json["additional_special_tokens"] is JsonArray extra)
        {
            AdditionalSpecialTokens.Clear();
            foreach (var node in extra) AdditionalSpecialTokens.Add(TokenText(node, "additional_special_tokens", source));
        }
    }

    /// <summary>The <c>tokenizer_config.json</c> that HF's <c>save_pretrained</c> writes for a slow BERT tokenizer.</summary>
    public JsonObject ToTokenizerConfig()
    {
        var json = new JsonObject
        {
            ["clean_up_tokenization_spaces"] = CleanUpTokenizationSpaces,
            ["cls_token"] = ClsToken,
            ["do_lower_case"] = DoLowerCase,
            ["mask_token"] = MaskToken,
            ["model_max_length"] = ModelMaxLength == int.MaxValue ? JsonNode.Parse(VeryLargeInteger) : ModelMaxLength,
            ["pad_token"] = PadToken,
            ["sep_token"] = SepToken,
            ["strip_accents"] = StripAccents,
            ["tokenize_chinese_chars"] = TokenizeChineseChars,
            ["tokenizer_class"] = TokenizerClass,
            ["unk_token"] = UnkToken,
        };
        if (AdditionalSpecialTokens.Count > 0) json["additional_special_tokens"] = SpecialArray();
        return json;
    }

    /// <summary>The <c>special_tokens_map.json</c> HF writes beside it.</summary>
    public JsonObject ToSpecialTokensMap()
    {
        var json = new JsonObject
        {
            ["cls_token"] = ClsToken, ["mask_token"] = MaskToken, ["pad_token"] = PadToken,
            ["sep_token"] = SepToken, ["unk_token"] = UnkToken,
        };
        if (AdditionalSpecialTokens.Count > 0) json["additional_special_tokens"] = SpecialArray();
        return json;
    }

    private JsonArray SpecialArray() => new(AdditionalSpecialTokens.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());

    internal static bool? ReadBool(JsonObject json, string key, string source)
    {
        if (!json.TryGetPropertyValue(key, out var node) || node is null) return null;
        if (node is JsonValue v && v.TryGetValue(out bool b)) return b;
        throw new InvalidDataException($"{source}: '{key}' must be true, false or null, got {node.ToJsonString()}.");
    }

    private static string? ReadToken(JsonObject json, string key, string source) =>
        json.TryGetPropertyValue(key, out var node) && node is not null ? TokenText(node, key, source) : null;

    /// <summary>A token is written either as a string or as a serialized AddedToken object with "content".</summary>
    private static string TokenText(JsonNode? node, string key, string source) => node switch
    {
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonObject o when o["content"] is JsonValue c && c.TryGetValue(out string? s) => s,
        _ => throw new InvalidDataException($"{source}: '{key}' must be a token string or an object with 'content', got {node?.ToJsonString() ?? "null"}."),
    };
}
