using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// The <c>config.json</c> plumbing every configuration class shares: parsing with file-named errors, HF's sorted
/// two-space layout, the label maps, atomic writes and the common value checks.
/// </summary>
internal static class ConfigJson
{
    /// <summary>Parses <paramref name="json"/> and hands a reader over a copy of it to <paramref name="build"/>; every error names <paramref name="source"/>.</summary>
    public static T Parse<T>(string json, string source, Func<ConfigJsonReader, T> build)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject
                   ?? throw new InvalidDataException($"{source}: expected a JSON object at the top level.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source} is not valid JSON: {ex.Message}", ex);
        }
        try
        {
            return build(new ConfigJsonReader(root, source));
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{source}: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a configuration file, naming the file when it is absent.</summary>
    public static T ReadFile<T>(string path, string what, Func<string, string, T> parse)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{what} configuration file '{path}' does not exist.", path);
        return parse(File.ReadAllText(path), path);
    }

    /// <summary>Rejects a <c>model_type</c> of another family (absent is accepted, as HF does for explicit classes).</summary>
    public static void RequireModelType(ConfigJsonReader reader, string expected, string source)
    {
        string? modelType = reader.TakeString("model_type");
        if (modelType is not null && modelType != expected)
            throw new InvalidDataException($"{source}: model_type is '{modelType}', not '{expected}'.");
    }

    /// <summary>Reads the keys <see cref="PretrainedConfig"/> itself models.</summary>
    public static void TakeCommon(ConfigJsonReader reader, PretrainedConfig config)
    {
        config.ProblemType = reader.TakeString("problem_type");
        config.Architectures = reader.TakeStringList("architectures");
        config.Id2Label = reader.TakeLabels();
    }

    /// <summary>Writes the keys <see cref="PretrainedConfig"/> models (architectures, labels, model_type, problem_type) into <paramref name="node"/>.</summary>
    public static void PutCommon(JsonObject node, PretrainedConfig config)
    {
        node["architectures"] = config.Architectures is null ? null : new JsonArray(config.Architectures.Select(a => (JsonNode?)a).ToArray());
        var id2label = new JsonObject();
        var label2id = new JsonObject();
        foreach (var (id, label) in config.Id2Label.OrderBy(kv => kv.Key))
        {
            id2label[id.ToString(CultureInfo.InvariantCulture)] = label;
            label2id[label] = id;
        }
        node["id2label"] = id2label;
        node["label2id"] = label2id;
        node["model_type"] = config.ModelType;
        node["problem_type"] = config.ProblemType;
    }

    /// <summary>HF writes config.json with sorted keys and two-space indentation; do the same so diffs stay readable.</summary>
    public static string ToSortedText(JsonObject node)
    {
        var sorted = new JsonObject();
        foreach (var kv in node.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sorted[kv.Key] = kv.Value?.DeepClone();
        return sorted.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Writes <paramref name="text"/> to a temporary file and renames it, so a crash never leaves half a file.</summary>
    public static void WriteAtomically(string path, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            File.WriteAllText(temp, text, new UTF8Encoding(false));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void RequirePositive(string key, int value)
    {
        if (value <= 0) throw new ArgumentException($"{key} must be positive, got {value}.", key);
    }

    public static void RequireProbability(string key, double value)
    {
        if (!(value >= 0 && value < 1)) throw new ArgumentException($"{key} must be a probability in [0, 1), got {value}.", key);
    }

    /// <summary>The checks every configuration shares: initializer range, pad id, label map and problem type.</summary>
    public static void ValidateCommon(PretrainedConfig config, double initializerRange, int padTokenId, int vocabSize)
    {
        if (!(initializerRange > 0) || double.IsInfinity(initializerRange))
            throw new ArgumentException($"initializer_range must be a positive number, got {initializerRange}.", "initializer_range");
        if (padTokenId < 0 || padTokenId >= vocabSize)
            throw new ArgumentException($"pad_token_id ({padTokenId}) must lie in [0, vocab_size={vocabSize}).", "pad_token_id");
        if (config.Id2Label.Count == 0)
            throw new ArgumentException("id2label must hold at least one label.", "id2label");
        for (int i = 0; i < config.Id2Label.Count; i++)
            if (!config.Id2Label.ContainsKey(i))
                throw new ArgumentException($"id2label must map every id 0..{config.Id2Label.Count - 1}; id {i} is missing.", "id2label");
        if (config.ProblemType is not null && !PretrainedConfig.KnownProblemTypes.Contains(config.ProblemType))
            throw new ArgumentException($"problem_type '{config.ProblemType}' is not one of: {string.Join(", ", PretrainedConfig.KnownProblemTypes)}.", "problem_type");
    }
}
