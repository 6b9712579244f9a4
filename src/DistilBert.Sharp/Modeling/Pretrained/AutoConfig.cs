using System.Text.Json;
using System.Text.Json.Nodes;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// HF's <c>AutoConfig</c>: reads a <c>config.json</c> as the configuration class its <c>model_type</c> names
/// (<c>distilbert</c> → <see cref="DistilBertConfig"/>, <c>bert</c> → <see cref="BertConfig"/>).
/// </summary>
public static class AutoConfig
{
    /// <summary>The <c>model_type</c> values the Auto classes can build.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["distilbert", "bert"];

    /// <summary>Reads <paramref name="path"/> (a <c>config.json</c>) as the configuration class of its <c>model_type</c>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="NotSupportedException"><c>model_type</c> is missing or not one of <see cref="SupportedModelTypes"/>.</exception>
    /// <exception cref="InvalidDataException">The content is not a valid configuration; the message names the file and key.</exception>
    public static PretrainedConfig FromFile(string path) => ReadModelType(path) switch
    {
        "distilbert" => DistilBertConfig.FromFile(path),
        _ => BertConfig.FromFile(path),
    };

    /// <summary>The <c>model_type</c> of a <c>config.json</c>, checked against <see cref="SupportedModelTypes"/>.</summary>
    internal static string ReadModelType(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Configuration file '{path}' does not exist.", path);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path))?["model_type"];
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path} is not a valid config.json object: {ex.Message}", ex);
        }
        string? modelType = node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
        if (modelType is null)
            throw new NotSupportedException($"{path} has no string 'model_type', so the Auto classes cannot tell which model it is; use a model class's FromPretrained directly.");
        if (!SupportedModelTypes.Contains(modelType))
            throw new NotSupportedException($"{path}: model_type '{modelType}' is not supported; supported types: {string.Join(", ", SupportedModelTypes)}.");
        return modelType;
    }

    /// <summary>Resolves <paramref name="pathOrHubId"/> like <c>FromPretrained</c> does and returns its <c>model_type</c>.</summary>
    internal static string ResolveModelType(string pathOrHubId, PretrainedOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathOrHubId);
        var location = PretrainedLocation.Resolve(pathOrHubId, options ?? new PretrainedOptions());
        return ReadModelType(location.ConfigPath);
    }
}
