using System.Buffers.Binary;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DistilBert.Sharp.IO;
using DistilBert.Sharp.Runtime;
using TorchSharp;

namespace DistilBert.Sharp.Weights;

/// <summary>Writes tensors to a safetensors file in the layout HF's reference writer produces.</summary>
/// <remarks>
/// Layout: tensors sorted by name (ordinal), their data packed back to back in that order, a compact JSON header with
/// <c>__metadata__</c> (always containing <c>"format": "pt"</c>, which older <c>transformers</c> versions require) as
/// the last entry, padded with spaces so the data region starts on an 8-byte boundary. The file is written to a
/// temporary name beside the target and renamed into place (<c>AtomicFile</c>), so a crash never leaves a truncated
/// checkpoint behind, and the temporaries of earlier killed saves of the same file are removed.
/// Each tensor is streamed from a contiguous CPU copy (the tensor itself when it already is one); no buffer the size
/// of the whole file is ever built.
/// </remarks>
public static unsafe class SafetensorsWriter
{
    private const int WriteChunk = 1 << 30;

    /// <summary>Saves <paramref name="tensors"/> to <paramref name="path"/>, replacing any existing file atomically.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="tensors">Name/tensor pairs; names must be unique and non-empty. Tensors may live on any device.</param>
    /// <param name="metadata">Extra <c>__metadata__</c> entries; <c>format=pt</c> is added when absent.</param>
    /// <exception cref="ArgumentException">A name is empty, repeated or reserved.</exception>
    /// <exception cref="NotSupportedException">A tensor's dtype has no safetensors equivalent here (e.g. complex).</exception>
    public static void Save(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        TorchRuntime.EnsureLoaded();
        var entries = Prepare(tensors);
        byte[] header = BuildHeader(entries, metadata);

        AtomicFile.Write(path, stream =>
        {
            stream.Write(header);
            foreach (var entry in entries) WriteData(stream, entry.Tensor);
        }, flushToDisk: true);
    }

    internal readonly record struct Entry(string Name, torch.Tensor Tensor, SafetensorsDType DType, long[] Shape, long ByteLength);

    internal static List<Entry> Prepare(IEnumerable<KeyValuePair<string, torch.Tensor>> tensors)
    {
        var entries = new List<Entry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("Tensor names must be non-empty.", nameof(tensors));
            if (name == SafetensorsHeaderParser.MetadataKey)
                throw new ArgumentException($"'{name}' is reserved for metadata and cannot name a tensor.", nameof(tensors));
            if (!seen.Add(name)) throw new ArgumentException($"Tensor name '{name}' appears more than once.", nameof(tensors));
            ArgumentNullException.ThrowIfNull(tensor, name);
            var dtype = SafetensorsDTypes.FromScalarType(tensor.dtype, name);
            entries.Add(new Entry(name, tensor, dtype, tensor.shape, tensor.numel() * SafetensorsDTypes.SizeOf(dtype)));
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return entries;
    }

    /// <summary>The 8-byte length prefix plus the padded JSON header for <paramref name="entries"/> (already sorted).</summary>
    internal static byte[] BuildHeader(IReadOnlyList<Entry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var json = new MemoryStream();
        // Relaxed escaping keeps names like "a+b" readable; the output is still strict JSON.
        using (var w = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            long offset = 0;
            foreach (var e in entries)
            {
                w.WriteStartObject(e.Name);
                w.WriteString("dtype", e.DType.ToString());
                w.WriteStartArray("shape");
                foreach (long d in e.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + e.ByteLength);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += e.ByteLength;
            }
            w.WriteStartObject(SafetensorsHeaderParser.MetadataKey);
            if (metadata is null || !metadata.ContainsKey("format")) w.WriteString("format", "pt");
            if (metadata is not null)
                foreach (var (k, v) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                    w.WriteString(k, v ?? throw new ArgumentException($"Metadata value for '{k}' is null; safetensors metadata values must be strings.", nameof(metadata)));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        int length = checked((int)json.Length);
        int padded = (length + 7) / 8 * 8;
        var bytes = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        json.GetBuffer().AsSpan(0, length).CopyTo(bytes.AsSpan(8));
        bytes.AsSpan(8 + length).Fill((byte)' ');
        return bytes;
    }

    private static void WriteData(Stream stream, torch.Tensor tensor)
    {
        if (tensor.numel() == 0) return;
        using var scope = torch.NewDisposeScope();
        var source = tensor.detach();
        if (source.device_type != DeviceType.CPU) source = source.cpu();
        if (!source.is_contiguous()) source = source.contiguous();
        byte* p = TensorMemory.DataPointer(source);
        long remaining = source.numel() * source.element_size();
        while (remaining > 0)
        {
            int chunk = (int)Math.Min(remaining, WriteChunk);
            stream.Write(new ReadOnlySpan<byte>(p, chunk));
            p += chunk;
            remaining -= chunk;
        }
    }

}
