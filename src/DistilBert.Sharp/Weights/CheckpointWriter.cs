using System.Text.Json;
using System.Text.RegularExpressions;
using DistilBert.Sharp.IO;
using DistilBert.Sharp.Runtime;
using TorchSharp;

namespace DistilBert.Sharp.Weights;

/// <summary>
/// Saves a state dict into a folder the way HF's <c>save_pretrained</c> lays weights out: one <c>model.safetensors</c>,
/// or, when a shard size limit is given and exceeded, <c>model-0000i-of-0000n.safetensors</c> plus
/// <c>model.safetensors.index.json</c> (<c>metadata.total_size</c>, <c>weight_map</c>).
/// </summary>
public static partial class CheckpointWriter
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
    /// <remarks>
    /// The folder is replaced as a whole (written beside it, then swapped in by rename): a kill at any moment leaves the
    /// old weights or the new ones, never a mix of shards. Other files in the folder are kept; weight files from an
    /// earlier save with a different layout are dropped, so the folder stays consistent.
    /// </remarks>
    public static IReadOnlyList<string> Save(string directory, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors,
        long? maxShardSizeBytes = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(tensors);
        if (maxShardSizeBytes is <= 0) throw new ArgumentOutOfRangeException(nameof(maxShardSizeBytes), maxShardSizeBytes, "The shard size limit must be positive.");
        TorchRuntime.EnsureLoaded();
        string dir = Path.GetFullPath(directory);
        IReadOnlyList<string> names = [];
        AtomicDirectory.Replace(dir, staging => names = WriteWeights(staging, tensors, maxShardSizeBytes, metadata),
            carry: name => !IsWeightFileName(name));
        return names.Select(n => Path.Combine(dir, n)).ToList();
    }

    /// <summary>
    /// Writes the weight files into <paramref name="dir"/> (an empty staging folder) and returns their names (shards,
    /// then the index when sharded).
    /// </summary>
    internal static IReadOnlyList<string> WriteWeights(string dir, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors,
        long? maxShardSizeBytes, IReadOnlyDictionary<string, string>? metadata)
    {
        var entries = SafetensorsWriter.Prepare(tensors);
        var shards = Split(entries, maxShardSizeBytes);
        var written = new List<string>();

        if (shards.Count == 1)
        {
            SafetensorsWriter.Save(Path.Combine(dir, CheckpointReader.WeightsFileName), Pairs(shards[0]), metadata);
            return [CheckpointReader.WeightsFileName];
        }

        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < shards.Count; i++)
        {
            string name = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            string file = Path.Combine(dir, name);
            SafetensorsWriter.Save(file, Pairs(shards[i]), metadata);
            written.Add(name);
            foreach (var e in shards[i]) weightMap[e.Name] = name;
        }
        WriteIndex(Path.Combine(dir, CheckpointReader.IndexFileName), entries.Sum(e => e.ByteLength), weightMap);
        written.Add(CheckpointReader.IndexFileName);
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

    private static void WriteIndex(string path, long totalSize, SortedDictionary<string, string> weightMap) =>
        AtomicFile.Write(path, stream =>
        {
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            w.WriteStartObject();
            w.WriteStartObject("metadata");
            w.WriteNumber("total_size", totalSize);
            w.WriteEndObject();
            w.WriteStartObject("weight_map");
            foreach (var (k, v) in weightMap) w.WriteString(k, v);
            w.WriteEndObject();
            w.WriteEndObject();
        });

    /// <summary>Whether <paramref name="name"/> is a weights file this writer produces (single file, shard or index).</summary>
    internal static bool IsWeightFileName(string name) =>
        name is CheckpointReader.WeightsFileName or CheckpointReader.IndexFileName || ShardName().IsMatch(name);

    [GeneratedRegex(@"^model-\d{5}-of-\d{5}\.safetensors$", RegexOptions.CultureInvariant)]
    private static partial Regex ShardName();
}
