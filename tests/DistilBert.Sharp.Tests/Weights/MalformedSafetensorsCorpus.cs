using System.Buffers.Binary;
using System.Text;
using static DistilBert.Sharp.Tests.Weights.SafetensorsBytes;

namespace DistilBert.Sharp.Tests.Weights;

/// <summary>
/// Generated malformed safetensors files, each with a fragment its error message must contain (the named problem).
/// </summary>
internal static class MalformedSafetensorsCorpus
{
    public sealed record Case(string Name, byte[] Bytes, string ExpectedFragment);

    private static byte[] Prefix(ulong declared, byte[] rest) =>
        Concat(BitConverter.IsLittleEndian ? BitConverter.GetBytes(declared) : BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(declared)), rest);

    private static byte[] Header(string json, int dataBytes = 0) => Build(json, new byte[dataBytes]);

    private static string T(string name, string dtype, string shape, string offsets) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":{offsets}}}";

    private static string Obj(params string[] entries) => "{" + string.Join(",", entries) + "}";

    private static readonly string Good = T("a", "F32", "[2]", "[0,8]");

    public static IReadOnlyList<Case> All { get; } = CreateAll();

    private static List<Case> CreateAll()
    {
        var validHeader = Header(Obj(Good), 8);
        var deep = new StringBuilder("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":");
        for (int i = 0; i < 100; i++) deep.Append('[');
        for (int i = 0; i < 100; i++) deep.Append(']');
        deep.Append("}}");
        string manyDims = "[" + string.Join(",", Enumerable.Repeat("1", 65)) + "]";
        var invalidUtf8 = Concat(Encoding.ASCII.GetBytes("{\""), [0xC3, 0x28], Encoding.ASCII.GetBytes("\":{}}   "));

        return
        [
            new("empty file", [], "empty"),
            new("one byte", [1], "too short"),
            new("seven bytes", new byte[7], "too short"),
            new("header length zero", Prefix(0, []), "too small"),
            new("header length one", Prefix(1, [(byte)'{']), "too small"),
            new("header length just over 100 MB", Prefix(100_000_001, Encoding.ASCII.GetBytes("{}")), "limit"),
            new("header length u64 max", Prefix(ulong.MaxValue, Encoding.ASCII.GetBytes("{}")), "limit"),
            new("header length 2^63", Prefix(1UL << 63, Encoding.ASCII.GetBytes("{}")), "limit"),
            new("header length past EOF", Prefix(100, Encoding.ASCII.GetBytes("{\"a\":1}")), "past the end"),
            new("truncated header", validHeader[..20], "past the end"),
            new("truncated to length prefix", validHeader[..8], "past the end"),
            new("header is a JSON array", Header("[]"), "does not start with '{'"),
            new("header is null", Header("null"), "does not start with '{'"),
            new("header all spaces", Prefix(8, Encoding.ASCII.GetBytes("        ")), "does not start with '{'"),
            new("header starts with a BOM", Header("\uFEFF{}"), "does not start with '{'"),
            new("bad JSON garbage", Header("{garbage"), "not valid JSON"),
            new("bad JSON missing value", Header("{\"a\":}"), "not valid JSON"),
            new("bad JSON trailing content", Header("{}x"), "JSON"),
            new("bad JSON unterminated string", Header("{\"a"), "not valid JSON"),
            new("bad JSON trailing comma", Header(Obj(Good) + ",", 8), "JSON"),
            new("invalid UTF-8 in key", Prefix((ulong)invalidUtf8.Length, invalidUtf8), "JSON"),
            new("JSON nested too deep", Header(deep.ToString(), 8), "not valid JSON"),
            new("JSON cut short by header length", Concat(Prefix(16, Encoding.ASCII.GetBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}"))), "JSON"),
            new("tensor entry is a number", Header("{\"a\":1}"), "must be an object"),
            new("tensor entry is an array", Header("{\"a\":[]}"), "must be an object"),
            new("missing dtype", Header("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "no 'dtype'"),
            new("missing shape", Header("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8), "no 'shape'"),
            new("missing data_offsets", Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8), "no 'data_offsets'"),
            new("unknown dtype F8_E4M3", Header(Obj(T("a", "F8_E4M3", "[2]", "[0,2]")), 2), "unknown or unsupported dtype 'F8_E4M3'"),
            new("unknown dtype lowercase", Header(Obj(T("a", "f32", "[2]", "[0,8]")), 8), "unknown or unsupported dtype 'f32'"),
            new("unknown dtype empty", Header(Obj(T("a", "", "[2]", "[0,8]")), 8), "unknown or unsupported dtype ''"),
            new("dtype is a number", Header("{\"a\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "non-string dtype"),
            new("negative shape", Header(Obj(T("a", "F32", "[-1]", "[0,8]")), 8), "negative value -1"),
            new("fractional shape", Header(Obj(T("a", "F32", "[1.5]", "[0,8]")), 8), "not a 64-bit integer"),
            new("shape exceeding int64", Header(Obj(T("a", "F32", "[9223372036854775808]", "[0,8]")), 8), "not a 64-bit integer"),
            new("shape in exponent form", Header(Obj(T("a", "F32", "[1e30]", "[0,8]")), 8), "not a 64-bit integer"),
            new("shape product overflows", Header(Obj(T("a", "U8", "[4294967296,4294967296]", "[0,8]")), 8), "overflows"),
            new("shape times dtype size overflows", Header(Obj(T("a", "F64", "[2305843009213693952]", "[0,8]")), 8), "overflows"),
            new("shape is a string", Header(Obj(T("a", "F32", "\"2\"", "[0,8]")), 8), "must be an array"),
            new("shape is null", Header(Obj(T("a", "F32", "null", "[0,8]")), 8), "must be an array"),
            new("shape holds a string", Header(Obj(T("a", "F32", "[\"2\"]", "[0,8]")), 8), "holds a string"),
            new("shape holds null", Header(Obj(T("a", "F32", "[null]", "[0,8]")), 8), "holds null"),
            new("shape with 65 dimensions", Header(Obj(T("a", "F32", manyDims, "[0,4]")), 4), "more than 64"),
            new("three data_offsets", Header(Obj(T("a", "F32", "[2]", "[0,4,8]")), 8), "expected exactly 2"),
            new("one data_offset", Header(Obj(T("a", "F32", "[2]", "[8]")), 8), "expected exactly 2"),
            new("data_offsets is an object", Header(Obj(T("a", "F32", "[2]", "{}")), 8), "must be an array"),
            new("negative data_offsets", Header(Obj(T("a", "F32", "[2]", "[-8,0]")), 8), "negative value -8"),
            new("reversed data_offsets", Header(Obj(T("a", "F32", "[0]", "[8,0]")), 8), "end before they begin"),
            new("data_offsets past the data region", Header(Obj(T("a", "F32", "[2]", "[0,8]")), 4), "outside the data region"),
            new("data_offsets far out of range", Header(Obj(T("a", "F32", "[2]", "[9223372036854775799,9223372036854775807]")), 8), "outside the data region"),
            new("data truncated after header", validHeader[..^1], "outside the data region"),
            new("byte count too small", Header(Obj(T("a", "F32", "[2]", "[0,4]")), 8), "needs 8"),
            new("byte count too large", Header(Obj(T("a", "F32", "[2]", "[0,12]")), 12), "needs 8"),
            new("byte count for the wrong dtype", Header(Obj(T("a", "F16", "[2]", "[0,8]")), 8), "needs 4"),
            new("overlapping tensors", Header(Obj(T("a", "F32", "[2]", "[0,8]"), T("b", "F32", "[2]", "[4,12]")), 12), "overlapping"),
            new("tensors sharing offsets", Header(Obj(T("a", "F32", "[2]", "[0,8]"), T("b", "I32", "[2]", "[0,8]")), 8), "overlapping"),
            // Tensors must tile the data region exactly (safetensors' own validate): no holes, no trailing bytes.
            new("hole between two tensors", Header(Obj(T("a", "F32", "[2]", "[0,8]"), T("b", "F32", "[2]", "[12,20]")), 20), "hole: bytes [8, 12) between tensors 'a' and 'b'"),
            new("hole before the first tensor", Header(Obj(T("a", "F32", "[2]", "[4,12]")), 12), "hole: bytes [0, 4) before tensor 'a'"),
            new("zero-length tensor inside another", Header(Obj(T("a", "F32", "[2]", "[0,8]"), T("z", "F32", "[0]", "[4,4]")), 8), "overlapping"),
            new("zero-length tensor past the others", Header(Obj(T("a", "F32", "[2]", "[0,8]"), T("z", "F32", "[0]", "[12,12]")), 12), "hole: bytes [8, 12)"),
            new("trailing bytes after the last tensor", Header(Obj(Good), 9), "1 trailing bytes follow the last tensor 'a'"),
            new("trailing bytes with no tensor", Header("{}", 4), "4 trailing bytes follow the header"),
            new("trailing bytes after metadata only", Header(Obj("\"__metadata__\":{\"format\":\"pt\"}"), 16), "16 trailing bytes"),
            new("duplicate tensor names", Header(Obj(Good, T("a", "F32", "[2]", "[8,16]")), 16), "duplicate tensor name 'a'"),
            new("duplicate dtype field", Header("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "duplicate 'dtype'"),
            new("duplicate shape field", Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"shape\":[1],\"data_offsets\":[0,8]}}", 8), "duplicate 'shape'"),
            new("duplicate metadata", Header(Obj("\"__metadata__\":{}", "\"__metadata__\":{}")), "duplicate key '__metadata__'"),
            new("metadata value is a number", Header(Obj("\"__metadata__\":{\"n\":1}", Good), 8), "value for 'n' must be a string, found a number"),
            new("metadata value is an object", Header(Obj("\"__metadata__\":{\"n\":{}}", Good), 8), "value for 'n' must be a string, found an object"),
            new("metadata value is null", Header(Obj("\"__metadata__\":{\"n\":null}", Good), 8), "value for 'n' must be a string, found null"),
            new("metadata value is a boolean", Header(Obj("\"__metadata__\":{\"format\":true}", Good), 8), "must be a string, found a boolean"),
            new("metadata is an array", Header(Obj("\"__metadata__\":[]", Good), 8), "must be an object mapping strings to strings"),
            new("metadata is a string", Header(Obj("\"__metadata__\":\"pt\"", Good), 8), "must be an object mapping strings to strings"),
            new("duplicate key inside metadata", Header(Obj("\"__metadata__\":{\"x\":\"1\",\"x\":\"2\"}", Good), 8), "duplicate key 'x' in '__metadata__'"),
        ];
    }
}
