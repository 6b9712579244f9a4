using System.Text.Json;
using TorchSharp;

namespace DistilBert.Sharp.Weights;

/// <summary>
/// A model checkpoint in HF layout: a single <c>model.safetensors</c>, or shards listed by
/// <c>model.safetensors.index.json</c> (<c>weight_map</c>: tensor name → shard file). Presents them as one set of keys.
/// </summary>
/// <remarks>Opening reads and validates every header (not the data), so key listing and shape checks are cheap.</remarks>
public sealed class CheckpointReader : IDisposable
{
    /// <summary>The single-file weights name HF uses.</summary>
    public const string WeightsFileName = "model.safetensors";

    /// <summary>The shard index name HF uses.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly Dictionary<string, SafetensorsFile> _owner;
    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, SafetensorsTensorInfo> _tensors;

    private CheckpointReader(string path, List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> owner, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _files = files;
        _owner = owner;
        Metadata = metadata;
        _tensors = owner.ToDictionary(p => p.Key, p => p.Value.Tensors[p.Key], StringComparer.Ordinal);
    }

    /// <summary>
    /// Opens a checkpoint: a <c>.safetensors</c> file, an index <c>.json</c> file, or a folder holding
    /// <c>model.safetensors</c> or <c>model.safetensors.index.json</c> (the single file wins when both exist, as in HF).
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing loadable at <paramref name="path"/>; the message lists what was looked for.</exception>
    /// <exception cref="SafetensorsFormatException">A file or the index is malformed.</exception>
    public static CheckpointReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            string single = System.IO.Path.Combine(full, WeightsFileName);
            string index = System.IO.Path.Combine(full, IndexFileName);
            if (File.Exists(single)) return OpenSingle(single);
            if (File.Exists(index)) return OpenSharded(index);
            throw new FileNotFoundException($"No weights in '{full}': expected '{WeightsFileName}' or '{IndexFileName}'.", single);
        }
        if (!File.Exists(full)) throw new FileNotFoundException($"Checkpoint '{full}' does not exist.", full);
        return full.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? OpenSharded(full) : OpenSingle(full);
    }

    /// <summary>The file or index the checkpoint was opened from.</summary>
    public string Path { get; }

    /// <summary>Every tensor name in the checkpoint.</summary>
    public IReadOnlyCollection<string> Keys => _tensors.Keys;

    /// <summary>Dtype, shape and location of every tensor, by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors => _tensors;

    /// <summary>The underlying safetensors files (one, or one per shard).</summary>
    public IReadOnlyList<SafetensorsFile> Files => _files;

    /// <summary>The single file's <c>__metadata__</c>, or the index's <c>metadata</c> (values as JSON text when not strings).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Whether the checkpoint holds <paramref name="name"/>.</summary>
    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>Reads a tensor into a new CPU tensor of its stored dtype.</summary>
    public torch.Tensor ReadTensor(string name) => FileOf(name).ReadTensor(name);

    /// <summary>Copies a tensor into <paramref name="destination"/>, converting dtype and device (see <see cref="SafetensorsFile.ReadInto"/>).</summary>
    public void ReadInto(string name, torch.Tensor destination) => FileOf(name).ReadInto(name, destination);

    /// <summary>Closes every file.</summary>
    public void Dispose()
    {
        foreach (var f in _files) f.Dispose();
    }

    private SafetensorsFile FileOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _owner.TryGetValue(name, out var f) ? f : throw new KeyNotFoundException($"Tensor '{name}' is not in checkpoint '{Path}'.");
    }

    private static CheckpointReader OpenSingle(string file)
    {
        var st = SafetensorsFile.Open(file);
        var owner = st.Tensors.Keys.ToDictionary(k => k, _ => st, StringComparer.Ordinal);
        return new CheckpointReader(file, [st], owner, st.Metadata);
    }

    private static CheckpointReader OpenSharded(string indexPath)
    {
        var (weightMap, metadata) = ReadIndex(indexPath);
        string dir = System.IO.Path.GetDirectoryName(indexPath)!;
        var files = new List<SafetensorsFile>();
        try
        {
            var byShard = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            var owner = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (var (key, shard) in weightMap)
            {
                if (!byShard.TryGetValue(shard, out var file))
                {
                    string shardPath = System.IO.Path.Combine(dir, shard);
                    if (!File.Exists(shardPath))
                        throw new FileNotFoundException($"Shard '{shard}' listed in '{indexPath}' (for '{key}') does not exist.", shardPath);
                    file = SafetensorsFile.Open(shardPath);
                    files.Add(file);
                    byShard.Add(shard, file);
                }
                if (!file.Tensors.ContainsKey(key))
                    throw new SafetensorsFormatException(indexPath, $"weight_map sends '{key}' to '{shard}', which has no such tensor.");
                owner.Add(key, file);
            }
            return new CheckpointReader(indexPath, files, owner, metadata);
        }
        catch
        {
            foreach (var f in files) f.Dispose();
            throw;
        }
    }

    internal static (List<KeyValuePair<string, string>> WeightMap, Dictionary<string, string> Metadata) ReadIndex(string indexPath)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(indexPath));
        }
        catch (JsonException ex)
        {
            throw new SafetensorsFormatException(indexPath, $"the shard index is not valid JSON ({ex.Message}).", ex);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new SafetensorsFormatException(indexPath, "the shard index has no 'weight_map' object.");
            var weightMap = new List<KeyValuePair<string, string>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in map.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                    throw new SafetensorsFormatException(indexPath, $"weight_map entry '{p.Name}' is not a file name string.");
                string shard = p.Value.GetString()!;
                // Shards must sit beside the index: refuse paths that could reach elsewhere on disk.
                if (shard.Length == 0 || shard.Contains('/') || shard.Contains('\\') || shard is "." or ".." || System.IO.Path.IsPathRooted(shard))
                    throw new SafetensorsFormatException(indexPath, $"weight_map entry '{p.Name}' names '{shard}', which is not a plain file name beside the index.");
                if (!seen.Add(p.Name)) throw new SafetensorsFormatException(indexPath, $"weight_map lists '{p.Name}' more than once.");
                weightMap.Add(new(p.Name, shard));
            }
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (doc.RootElement.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object)
                foreach (var p in meta.EnumerateObject())
                    metadata[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            return (weightMap, metadata);
        }
    }
}
