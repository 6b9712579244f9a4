using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// Takes typed values out of a <c>config.json</c> object one key at a time; what is left afterwards are the keys the
/// configuration class does not model. Every type error names the file, the key and the offending value.
/// </summary>
internal sealed class ConfigJsonReader(JsonObject root, string source)
{
    public JsonObject Remaining => root;

    public int? TakeInt(string key)
    {
        JsonNode? node = Take(key);
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            double d = v.GetValue<double>();
            if (d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue) return (int)d;
        }
        throw Bad(key, node, "an integer");
    }

    public double? TakeDouble(string key)
    {
        JsonNode? node = Take(key);
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number) return v.GetValue<double>();
        throw Bad(key, node, "a number");
    }

    public bool? TakeBool(string key)
    {
        JsonNode? node = Take(key);
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return v.GetValue<bool>();
        throw Bad(key, node, "true or false");
    }

    public string? TakeString(string key)
    {
        JsonNode? node = Take(key);
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String) return v.GetValue<string>();
        throw Bad(key, node, "a string");
    }

    public IReadOnlyList<string>? TakeStringList(string key)
    {
        JsonNode? node = Take(key);
        if (node is null) return null;
        if (node is JsonArray a && a.All(e => e is JsonValue ev && ev.GetValueKind() == JsonValueKind.String))
            return a.Select(e => e!.GetValue<string>()).ToArray();
        throw Bad(key, node, "a list of strings");
    }

    /// <summary>
    /// Reads <c>id2label</c> (authoritative, as in HF), falling back to <c>num_labels</c> and then to two labels;
    /// <c>label2id</c> is checked for consistency rather than trusted, since HF derives one from the other.
    /// </summary>
    public IReadOnlyDictionary<int, string> TakeLabels()
    {
        int? numLabels = TakeInt("num_labels");
        JsonNode? id2labelNode = Take("id2label");
        JsonNode? label2idNode = Take("label2id");
        Dictionary<int, string> labels;
        if (id2labelNode is not null)
        {
            if (id2labelNode is not JsonObject obj) throw Bad("id2label", id2labelNode, "an object mapping ids to names");
            labels = new Dictionary<int, string>();
            foreach (var (k, value) in obj)
            {
                if (!int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                    throw new InvalidDataException($"{source}: id2label key '{k}' is not a non-negative integer.");
                if (value is not JsonValue sv || sv.GetValueKind() != JsonValueKind.String)
                    throw Bad($"id2label.{k}", value, "a string");
                labels[id] = sv.GetValue<string>();
            }
            if (numLabels is not null && numLabels != labels.Count)
                throw new InvalidDataException($"{source}: num_labels is {numLabels} but id2label has {labels.Count} entries.");
        }
        else if (numLabels is not null)
        {
            if (numLabels < 1) throw new InvalidDataException($"{source}: num_labels must be at least 1, got {numLabels}.");
            labels = new Dictionary<int, string>(PretrainedConfig.DefaultLabels(numLabels.Value));
        }
        else
        {
            labels = new Dictionary<int, string>(PretrainedConfig.DefaultLabels(2));
        }
        if (label2idNode is JsonObject l2i)
        {
            foreach (var (name, value) in l2i)
            {
                int? id = value is JsonValue iv && iv.GetValueKind() == JsonValueKind.Number ? iv.GetValue<int>() : null;
                if (id is null || !labels.TryGetValue(id.Value, out string? expected) || expected != name)
                    throw new InvalidDataException($"{source}: label2id entry '{name}': {value?.ToJsonString() ?? "null"} does not match id2label.");
            }
        }
        else if (label2idNode is not null)
        {
            throw Bad("label2id", label2idNode, "an object mapping names to ids");
        }
        return labels;
    }

    private JsonNode? Take(string key)
    {
        if (!root.TryGetPropertyValue(key, out JsonNode? node)) return null;
        root.Remove(key);
        return node;
    }

    private InvalidDataException Bad(string key, JsonNode? node, string expected) =>
        new($"{source}: key '{key}' must be {expected}, got {node?.ToJsonString() ?? "null"}.");
}
