using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace DistilBert.Sharp.Weights;

/// <summary>
/// Reads and validates a safetensors header: 8-byte little-endian length, then that many bytes of UTF-8 JSON mapping
/// tensor names to <c>{dtype, shape, data_offsets}</c> plus an optional <c>__metadata__</c> string map.
/// </summary>
/// <remarks>
/// Everything is checked before any tensor data is touched, so a hostile file can only cost the header's bytes (at
/// most <see cref="MaxHeaderBytes"/>, and never more than the file holds). A streaming <see cref="Utf8JsonReader"/>
/// is used instead of a DOM because it lets us reject duplicate keys, which <see cref="JsonDocument"/> silently keeps.
/// </remarks>
internal static class SafetensorsHeaderParser
{
    /// <summary>Largest header accepted (the reference implementation uses the same 100 MB limit).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>The reserved key that holds free-form string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    public sealed record Header(long HeaderLength, Dictionary<string, SafetensorsTensorInfo> Tensors, Dictionary<string, string> Metadata)
    {
        /// <summary>Absolute file offset where the data region begins.</summary>
        public long DataRegionStart => 8 + HeaderLength;
    }

    /// <summary>Reads the header through <paramref name="handle"/> (positioned reads) and validates it against the file length.</summary>
    public static Header Read(SafeFileHandle handle, string path)
    {
        long fileLength = RandomAccess.GetLength(handle);
        if (fileLength == 0) throw Fail(path, "the file is empty (expected an 8-byte header length followed by a JSON header).");
        if (fileLength < 8) throw Fail(path, $"the file is {fileLength} bytes long, too short for the 8-byte header length.");

        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(handle, prefix, 0, path);
        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (declared > MaxHeaderBytes)
            throw Fail(path, $"the header length {declared} exceeds the {MaxHeaderBytes}-byte limit.");
        if ((long)declared > fileLength - 8)
            throw Fail(path, $"the header length {declared} runs past the end of the file ({fileLength - 8} bytes follow the length prefix; header truncated?).");
        if (declared < 2)
            throw Fail(path, $"the header length {declared} is too small to hold a JSON object.");

        var json = new byte[(int)declared];
        ReadExactly(handle, json, 8, path);
        long dataLength = fileLength - 8 - (long)declared;
        var (tensors, metadata) = Parse(json, dataLength, path);
        return new Header((long)declared, tensors, metadata);
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset, string path)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int read = RandomAccess.Read(handle, buffer[done..], offset + done);
            if (read == 0) throw Fail(path, $"the file ended at byte {offset + done} while reading the header (it shrank while being opened).");
            done += read;
        }
    }

    /// <summary>Parses and validates the JSON header given the size of the data region that follows it.</summary>
    public static (Dictionary<string, SafetensorsTensorInfo> Tensors, Dictionary<string, string> Metadata) Parse(
        ReadOnlySpan<byte> json, long dataLength, string path)
    {
        if (json[0] != (byte)'{') throw Fail(path, "the header does not start with '{' (not a safetensors file, or the header length is wrong).");
        var tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
        Dictionary<string, string>? metadata = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            reader.Read(); // StartObject, checked above
            while (true)
            {
                Next(ref reader, path);
                if (reader.TokenType == JsonTokenType.EndObject) break;
                string key = reader.GetString()!;
                if (key == MetadataKey)
                {
                    if (metadata is not null) throw Fail(path, $"duplicate key '{MetadataKey}' in the header.");
                    metadata = ReadMetadata(ref reader, path);
                    continue;
                }
                if (tensors.ContainsKey(key)) throw Fail(path, $"duplicate tensor name '{key}' in the header.");
                tensors.Add(key, ReadTensorEntry(ref reader, key, dataLength, path));
            }
            // Anything but whitespace after the object makes Read() throw; the reference writer pads with spaces.
            if (reader.Read()) throw Fail(path, "unexpected content after the header's JSON object.");
        }
        catch (JsonException ex)
        {
            throw Fail(path, $"the header is not valid JSON ({ex.Message}).", ex);
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader.GetString throws this on invalid UTF-8 / escapes.
            throw Fail(path, $"the header is not valid UTF-8 JSON ({ex.Message}).", ex);
        }

        CheckTiling(tensors, dataLength, path);
        return (tensors, metadata ?? new Dictionary<string, string>(StringComparer.Ordinal));
    }

    private static Dictionary<string, string> ReadMetadata(ref Utf8JsonReader reader, string path)
    {
        Next(ref reader, path);
        if (reader.TokenType == JsonTokenType.Null) return new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.TokenType != JsonTokenType.StartObject)
            throw Fail(path, $"'{MetadataKey}' must be an object mapping strings to strings, found {Describe(reader.TokenType)}.");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            Next(ref reader, path);
            if (reader.TokenType == JsonTokenType.EndObject) return map;
            string key = reader.GetString()!;
            Next(ref reader, path);
            if (reader.TokenType != JsonTokenType.String)
                throw Fail(path, $"'{MetadataKey}' value for '{key}' must be a string, found {Describe(reader.TokenType)}.");
            if (!map.TryAdd(key, reader.GetString()!)) throw Fail(path, $"duplicate key '{key}' in '{MetadataKey}'.");
        }
    }

    private static SafetensorsTensorInfo ReadTensorEntry(ref Utf8JsonReader reader, string name, long dataLength, string path)
    {
        Next(ref reader, path);
        if (reader.TokenType != JsonTokenType.StartObject)
            throw Fail(path, $"tensor '{name}' must be an object with dtype, shape and data_offsets, found {Describe(reader.TokenType)}.");
        string? dtypeText = null;
        long[]? shape = null, offsets = null;
        while (true)
        {
            Next(ref reader, path);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            string field = reader.GetString()!;
            switch (field)
            {
                case "dtype":
                    if (dtypeText is not null) throw Fail(path, $"tensor '{name}' has a duplicate 'dtype' field.");
                    Next(ref reader, path);
                    if (reader.TokenType != JsonTokenType.String) throw Fail(path, $"tensor '{name}' has a non-string dtype ({Describe(reader.TokenType)}).");
                    dtypeText = reader.GetString()!;
                    break;
                case "shape":
                    if (shape is not null) throw Fail(path, $"tensor '{name}' has a duplicate 'shape' field.");
                    shape = ReadIntArray(ref reader, name, "shape", path);
                    break;
                case "data_offsets":
                    if (offsets is not null) throw Fail(path, $"tensor '{name}' has a duplicate 'data_offsets' field.");
                    offsets = ReadIntArray(ref reader, name, "data_offsets", path);
                    break;
                default:
                    // Unknown fields are ignored, as the reference implementation does.
                    Next(ref reader, path);
                    reader.Skip();
                    break;
            }
        }
        if (dtypeText is null) throw Fail(path, $"tensor '{name}' has no 'dtype'.");
        if (shape is null) throw Fail(path, $"tensor '{name}' has no 'shape'.");
        if (offsets is null) throw Fail(path, $"tensor '{name}' has no 'data_offsets'.");
        if (!SafetensorsDTypes.TryParse(dtypeText, out var dtype))
            throw Fail(path, $"tensor '{name}' has unknown or unsupported dtype '{dtypeText}' (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL).");
        if (offsets.Length != 2)
            throw Fail(path, $"tensor '{name}' has {offsets.Length} data_offsets; expected exactly 2 ([begin, end]).");

        long bytes = SafetensorsDTypes.SizeOf(dtype);
        try
        {
            foreach (long d in shape) bytes = checked(bytes * d);
        }
        catch (OverflowException)
        {
            throw Fail(path, $"tensor '{name}' shape [{string.Join(", ", shape)}] overflows when multiplied out.");
        }
        long begin = offsets[0], end = offsets[1];
        if (begin > end) throw Fail(path, $"tensor '{name}' data_offsets [{begin}, {end}] end before they begin.");
        if (end > dataLength)
            throw Fail(path, $"tensor '{name}' data_offsets [{begin}, {end}] lie outside the data region ({dataLength} bytes; file truncated?).");
        if (end - begin != bytes)
            throw Fail(path, $"tensor '{name}' data_offsets [{begin}, {end}] span {end - begin} bytes, but {dtype}[{string.Join(", ", shape)}] needs {bytes}.");
        return new SafetensorsTensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] ReadIntArray(ref Utf8JsonReader reader, string name, string field, string path)
    {
        Next(ref reader, path);
        if (reader.TokenType != JsonTokenType.StartArray)
            throw Fail(path, $"tensor '{name}' field '{field}' must be an array of non-negative integers, found {Describe(reader.TokenType)}.");
        var values = new List<long>(4);
        while (true)
        {
            Next(ref reader, path);
            if (reader.TokenType == JsonTokenType.EndArray) return values.ToArray();
            if (reader.TokenType != JsonTokenType.Number)
                throw Fail(path, $"tensor '{name}' field '{field}' holds {Describe(reader.TokenType)}; expected non-negative integers.");
            if (!reader.TryGetInt64(out long v))
                throw Fail(path, $"tensor '{name}' field '{field}' holds '{Encoding.UTF8.GetString(reader.ValueSpan)}', which is not a 64-bit integer (overflow or fraction).");
            if (v < 0) throw Fail(path, $"tensor '{name}' field '{field}' holds the negative value {v}.");
            if (values.Count >= 64) throw Fail(path, $"tensor '{name}' field '{field}' has more than 64 entries.");
            values.Add(v);
        }
    }

    // The reference implementation's rule (safetensors' Metadata::validate + read_metadata): sorted by
    // (begin, end), every tensor starts exactly where the previous one ended and the last one ends at the end of the
    // file. So no overlap, no hole, no zero-length tensor inside another one, and no trailing bytes.
    private static void CheckTiling(Dictionary<string, SafetensorsTensorInfo> tensors, long dataLength, string path)
    {
        var ordered = tensors.Values
            .OrderBy(t => t.DataStart).ThenBy(t => t.DataEnd).ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        long expected = 0;
        SafetensorsTensorInfo? prev = null;
        foreach (var cur in ordered)
        {
            if (cur.DataStart < expected)
                throw Fail(path, $"tensors '{prev!.Name}' [{prev.DataStart}, {prev.DataEnd}) and '{cur.Name}' [{cur.DataStart}, {cur.DataEnd}) have overlapping data_offsets.");
            if (cur.DataStart > expected)
                throw Fail(path, prev is null
                    ? $"the data region has a hole: bytes [0, {cur.DataStart}) before tensor '{cur.Name}' belong to no tensor (tensors must tile the data region exactly)."
                    : $"the data region has a hole: bytes [{expected}, {cur.DataStart}) between tensors '{prev.Name}' and '{cur.Name}' belong to no tensor (tensors must tile the data region exactly).");
            expected = cur.DataEnd;
            prev = cur;
        }
        if (expected != dataLength)
            throw Fail(path, prev is null
                ? $"{dataLength} trailing bytes follow the header, but it declares no tensor data (tensors must tile the data region exactly)."
                : $"{dataLength - expected} trailing bytes follow the last tensor '{prev.Name}' (which ends at {expected} of {dataLength}; tensors must tile the data region exactly).");
    }

    private static void Next(ref Utf8JsonReader reader, string path)
    {
        if (!reader.Read()) throw Fail(path, "the header's JSON ends prematurely.");
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        _ => token.ToString(),
    };

    private static SafetensorsFormatException Fail(string path, string problem, Exception? inner = null) => new(path, problem, inner);
}
