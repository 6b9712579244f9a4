using System.Text.Json;
using System.Text.Json.Nodes;

namespace DistilBert.Sharp.Inference.Embeddings;

/// <summary>
/// What a sentence-transformers model folder says about turning token vectors into a sentence vector:
/// <c>modules.json</c> (which modules run: Transformer, Pooling, Normalize), the Pooling module's <c>config.json</c>
/// and <c>sentence_bert_config.json</c>. Every field is null when the folder does not say.
/// </summary>
/// <param name="Pooling">The pooling modes the Pooling module enables.</param>
/// <param name="Normalize">True when <c>modules.json</c> lists a <c>Normalize</c> module, false when it lists none; null without <c>modules.json</c>.</param>
/// <param name="MaxSeqLength"><c>max_seq_length</c> of <c>sentence_bert_config.json</c>.</param>
/// <param name="DoLowerCase"><c>do_lower_case</c> of <c>sentence_bert_config.json</c>.</param>
public sealed record SentenceTransformerConfig(PoolingMode? Pooling, bool? Normalize, int? MaxSeqLength, bool? DoLowerCase)
{
    /// <summary>Reads the files of <paramref name="directory"/> that exist.</summary>
    /// <exception cref="InvalidDataException">A file is malformed, names an unsupported module or pooling mode; the message names file and key.</exception>
    public static SentenceTransformerConfig Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        PoolingMode? pooling = null;
        bool? normalize = null;
        string modulesPath = Path.Combine(directory, "modules.json");
        if (File.Exists(modulesPath))
        {
            normalize = false;
            string? poolingFolder = null;
            var modules = ParseFile(modulesPath) as JsonArray
                          ?? throw new InvalidDataException($"{modulesPath}: expected a JSON array of modules.");
            foreach (var module in modules)
            {
                string type = module?["type"]?.GetValue<string>() ?? throw new InvalidDataException($"{modulesPath}: a module has no \"type\".");
                string name = type[(type.LastIndexOf('.') + 1)..];
                switch (name)
                {
                    case "Transformer": break;
                    case "Pooling": poolingFolder = module?["path"]?.GetValue<string>() ?? ""; break;
                    case "Normalize": normalize = true; break;
                    default:
                        throw new InvalidDataException($"{modulesPath}: module type \"{type}\" is not supported (Transformer, Pooling and Normalize are).");
                }
            }
            if (poolingFolder is not null) pooling = ReadPooling(Path.Combine(directory, poolingFolder, "config.json"));
        }
        else if (File.Exists(Path.Combine(directory, "1_Pooling", "config.json")))
        {
            pooling = ReadPooling(Path.Combine(directory, "1_Pooling", "config.json"));
        }

        int? maxSeqLength = null;
        bool? doLowerCase = null;
        string bertConfigPath = Path.Combine(directory, "sentence_bert_config.json");
        if (File.Exists(bertConfigPath))
        {
            var root = ParseFile(bertConfigPath) as JsonObject ?? throw new InvalidDataException($"{bertConfigPath}: expected a JSON object.");
            maxSeqLength = Read<int>(root, "max_seq_length", bertConfigPath);
            doLowerCase = Read<bool>(root, "do_lower_case", bertConfigPath);
            if (maxSeqLength is <= 0) throw new InvalidDataException($"{bertConfigPath}: max_seq_length = {maxSeqLength} must be positive.");
        }
        return new SentenceTransformerConfig(pooling, normalize, maxSeqLength, doLowerCase);
    }

    private static PoolingMode ReadPooling(string path)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path} is missing (modules.json lists a Pooling module there).");
        var root = ParseFile(path) as JsonObject ?? throw new InvalidDataException($"{path}: expected a JSON object.");
        PoolingMode mode = 0;
        if (Read<bool>(root, "pooling_mode_cls_token", path) == true) mode |= PoolingMode.Cls;
        if (Read<bool>(root, "pooling_mode_max_tokens", path) == true) mode |= PoolingMode.Max;
        if (Read<bool>(root, "pooling_mode_mean_tokens", path) == true) mode |= PoolingMode.Mean;
        if (Read<bool>(root, "pooling_mode_mean_sqrt_len_tokens", path) == true) mode |= PoolingMode.MeanSqrtLength;
        foreach (string unsupported in new[] { "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken" })
        {
            if (Read<bool>(root, unsupported, path) == true)
                throw new InvalidDataException($"{path}: {unsupported} is not supported (cls, max, mean and mean_sqrt_len are).");
        }
        if (mode == 0) throw new InvalidDataException($"{path} enables no pooling mode.");
        return mode;
    }

    private static JsonNode? ParseFile(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {e.Message}", e);
        }
    }

    private static T? Read<T>(JsonObject root, string key, string path) where T : struct
    {
        if (!root.TryGetPropertyValue(key, out var node) || node is null) return default;
        try
        {
            return node.GetValue<T>();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: \"{key}\" = {node.ToJsonString()} has the wrong type ({typeof(T).Name} expected).", e);
        }
    }
}
