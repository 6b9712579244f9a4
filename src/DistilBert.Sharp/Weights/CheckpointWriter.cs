using System.Text.Json;
using DistilBert.Sharp.Runtime;
using TorchSharp;

namespace DistilBert.Sharp.Weights;

/// <summary>
/// Saves a state dict into a folder the way HF's <c>save_pretrained</c> lays weights out: one <c>model.safetensors</c>,
/// or, when a shard size limit is given and exceeded, <c>model-0000i-of-0000n.safetensors</c> plus
/// <c>model.safetensors.index.json</c> (<c>metadata.total_size</c>, <c>weight_map</c>).
/// </summary>
public static class CheckpointWriter
{
    /// <summary>Writes the weights of <paramref name="tensors"/> into <paramref name="directory"/>.</summary>
    /// <param name="directory">Target folder (created when missing).</param>
    /// <param name="tensors">Name/tensor pairs (for example a module's <c>state_dict()</c>).</param>
    /// <param name="maxShardSizeBytes">
    /// Largest shard, in tensor bytes; null for a single file. As in HF, tensors are taken in name order and a new shard
    /// starts when the next tensor would overflow the current one; a tensor larger than the limit gets a shard alone.
    /// </param>
    /// <param name="metadata">Extra <c>__metadata__</c> entries for every file (<c>format=pt</c> is always present).</param>
    /// <returns>The files written (shards, then the index when sharded).</returns>
    /// <remarks>Weight files from an earlier save with a different layout are removed, so the folder stays consistent.</remarks>
    public static IReadOnlyList<string> Save(string directory, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors,
        long? maxShardSizeBytes = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(tensors);
        if (maxShardSizeBytes is <= 0) throw new ArgumentOutOfRangeException(nameof(maxShardSizeBytes), maxShardSizeBytes, "The shard size limit must be positive.");
        TorchRuntime.EnsureLoaded();
        string dir = Path.GetFullPath(directory);
        Directory.CreateDirectory(dir);
        var entries = SafetensorsWriter.Prepare(tensors);
        var shards = Split(entries, maxShardSizeBytes);
        var written = new List<string>();

        if (shards.Count == 1)
        {
            string file = Path.Combine(dir, CheckpointReader.WeightsFileName);
            SafetensorsWriter.Save(file, Pairs(shards[0]), metadata);
            written.Add(file);
            RemoveStale(dir, keep: written);
            return written;
        }

        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < shards.Count; i++)
        {
            string name = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            string file = Path.Combine(dir, name);
            SafetensorsWriter.Save(file, Pairs(shards[i]), metadata);
            written.Add(file);
            foreach (var e in shards[i]) weightMap[e.Name] = name;
        }
        string index = Path.Combine(dir, CheckpointReader.IndexFileName);
        WriteIndex(index, entries.Sum(e => e.ByteLength), weightMap);
        written.Add(index);
        RemoveStale(dir, keep: written);
        return written;
    }

    private static IEnumerable<KeyValuePair<string, torch.Tensor>> Pairs(List<SafetensorsWriter.Entry> shard) =>
        shard.Select(e => new KeyValuePair<string, torch.Tensor>(e.Name, e.Tensor));

    internal static List<List<SafetensorsWriter.Entry>> Split(List<SafetensorsWriter.Entry> entries, long? maxShardSizeBytes)
    {
        var shards = new List<List<SafetensorsWriter.Entry>> { new() };
        long current = 0;
        foreach (var e in entries)
        {
            if (maxShardSizeBytes is long max && shards[^1].Count > 0 && current + e.ByteLength > max)
            {
                shards.Add(new());
                current = 0;
            }
            shards[^1].Add(e);
            current += e.ByteLength;
        }
        return shards;
    }

    private static void WriteIndex(string path, long totalSize, SortedDictionary<string, string> weightMap)
    {
        string temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteStartObject("metadata");
                w.WriteNumber("total_size", totalSize);
                w.WriteEndObject();
                w.WriteStartObject("weight_map");
                foreach (var (k, v) in weightMap) w.WriteString(k, v);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            SafetensorsWriter.TryDelete(temp);
            throw;
        }
    }

    // Only names this writer itself produces are touched, never other user files.
    private static void RemoveStale(string dir, List<string> keep)
    {
        var keepSet = new HashSet<string>(keep, StringComparer.Ordinal);
        var candidates = Directory.GetFiles(dir, "model-*-of-*.safetensors")
            .Append(Path.Combine(dir, CheckpointReader.WeightsFileName))
            .Append(Path.Combine(dir, CheckpointReader.IndexFileName));
        foreach (var f in candidates)
            if (!keepSet.Contains(f) && File.Exists(f) && IsShardName(Path.GetFileName(f)))
                SafetensorsWriter.TryDelete(f);
    }

    private static bool IsShardName(string name) =>
        name is CheckpointReader.WeightsFileName or CheckpointReader.IndexFileName ||
        System.Text.RegularExpressions.Regex.IsMatch(name, @"^model-\d{5}-of-\d{5}\.safetensors$");
}
