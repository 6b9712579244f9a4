using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;

namespace DistilBert.Sharp.Training.Checkpointing;

/// <summary>
/// Reads and writes the trainer's own state files (optimizer moments, RNG state, model weights for restore) in the
/// safetensors layout: 8-byte little-endian header length, JSON header, raw little-endian tensor bytes.
/// </summary>
/// <remarks>
/// Kept internal and minimal (F32, F64, I64, U8) because it only stores what the trainer itself wrote; the public
/// safetensors reader/writer belongs to the Weights layer. Tensors are copied to CPU, contiguous, before writing.
/// </remarks>
internal static class StateTensorFile
{
    public static void Save(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            using var cpu = tensor.detach().cpu().contiguous();
            byte[] bytes = cpu.bytes.ToArray();
            header[name] = new JsonObject
            {
                ["dtype"] = DTypeName(cpu.dtype, name),
                ["shape"] = new JsonArray(cpu.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            offset += bytes.Length;
            blobs.Add(bytes);
        }
        byte[] headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (headerBytes.Length + 7) / 8 * 8; // safetensors aligns the data section to 8 bytes with spaces
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
        stream.Write(len);
        stream.Write(headerBytes);
        for (int i = headerBytes.Length; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (var blob in blobs) stream.Write(blob);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Reads every tensor (detached from any dispose scope: the caller owns them) and the metadata.</summary>
    public static (Dictionary<string, torch.Tensor> Tensors, Dictionary<string, string> Metadata) Load(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 8) throw new InvalidDataException($"{path} is not a safetensors file (shorter than 8 bytes).");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > (ulong)(file.Length - 8)) throw new InvalidDataException($"{path}: header length {headerLength} exceeds the file size.");
        var header = JsonNode.Parse(Encoding.UTF8.GetString(file, 8, (int)headerLength))?.AsObject()
                     ?? throw new InvalidDataException($"{path}: empty header.");
        int dataStart = 8 + (int)headerLength;
        var tensors = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                foreach (var (k, v) in node!.AsObject()) metadata[k] = v!.GetValue<string>();
                continue;
            }
            var dtype = ParseDType(node!["dtype"]!.GetValue<string>(), path, name);
            long[] shape = node["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            var offsets = node["data_offsets"]!.AsArray();
            long begin = offsets[0]!.GetValue<long>(), end = offsets[1]!.GetValue<long>();
            if (begin < 0 || end < begin || dataStart + end > file.Length)
                throw new InvalidDataException($"{path}: tensor '{name}' has data offsets [{begin}, {end}) outside the file.");
            var tensor = torch.empty(shape, dtype);
            if (tensor.NumberOfElements * tensor.ElementSize != end - begin)
                throw new InvalidDataException($"{path}: tensor '{name}' holds {end - begin} bytes but its shape needs {tensor.NumberOfElements * tensor.ElementSize}.");
            file.AsSpan(dataStart + (int)begin, (int)(end - begin)).CopyTo(tensor.bytes);
            tensors[name] = tensor.DetachFromDisposeScope();
        }
        return (tensors, metadata);
    }

    private static string DTypeName(torch.ScalarType type, string name) => type switch
    {
        torch.ScalarType.Float32 => "F32",
        torch.ScalarType.Float64 => "F64",
        torch.ScalarType.Int64 => "I64",
        torch.ScalarType.Byte => "U8",
        torch.ScalarType.BFloat16 => "BF16",
        _ => throw new NotSupportedException($"Tensor '{name}' has dtype {type}, which trainer state files do not store."),
    };

    private static torch.ScalarType ParseDType(string name, string path, string tensor) => name switch
    {
        "F32" => torch.ScalarType.Float32,
        "F64" => torch.ScalarType.Float64,
        "I64" => torch.ScalarType.Int64,
        "U8" => torch.ScalarType.Byte,
        "BF16" => torch.ScalarType.BFloat16,
        _ => throw new InvalidDataException($"{path}: tensor '{tensor}' has dtype '{name}', which trainer state files do not use."),
    };

    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
}
