using System.Text.Json;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Weights;
using TorchSharp;
using static DistilBert.Sharp.Tests.Weights.SafetensorsBytes;

namespace DistilBert.Sharp.Tests.Weights;

public class SafetensorsFileTests
{
    private static readonly Half[] HalfValues = [(Half)1.5f, (Half)(-0.0009765625f), Half.MaxValue, Half.Epsilon];
    private static readonly double[] DoubleValues = [1.0 / 3.0, -2.5e10, 1e-40];

    // Every dtype once, with values whose bytes we lay out by hand.
    private static string WriteAllDTypes(TempDirectory dir)
    {
        var parts = new List<byte[]>();
        var entries = new List<string>();
        long offset = 0;
        void Add(string name, string dtype, string shape, byte[] bytes)
        {
            entries.Add($"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{offset},{offset + bytes.Length}]}}");
            parts.Add(bytes);
            offset += bytes.Length;
        }
        Add("f32", "F32", "[2,2]", Raw(1f, -2.5f, 3.25f, float.Epsilon));
        Add("f64", "F64", "[3]", Raw(DoubleValues));
        Add("f16", "F16", "[4]", Raw(HalfValues));
        Add("bf16", "BF16", "[2]", Raw<ushort>(0x3FC0, 0xC080)); // 1.5, -4.0
        Add("i64", "I64", "[2]", Raw(long.MaxValue, -7L));
        Add("i32", "I32", "[1,2]", Raw(int.MinValue, 42));
        Add("i16", "I16", "[2]", Raw<short>(-300, 300));
        Add("i8", "I8", "[2]", Raw<sbyte>(-128, 127));
        Add("u8", "U8", "[3]", Raw<byte>(0, 128, 255));
        Add("bool", "BOOL", "[3]", Raw<byte>(1, 0, 1));
        Add("scalar", "F32", "[]", Raw(9f));
        Add("empty", "F32", "[0,4]", []);
        string header = "{\"__metadata__\":{\"format\":\"pt\",\"note\":\"x\"}," + string.Join(",", entries) + "}";
        string path = dir.Combine("all.safetensors");
        File.WriteAllBytes(path, Build(header, Concat([.. parts])));
        return path;
    }

    [Fact]
    public void Open_lists_every_tensor_with_dtype_shape_offsets_and_metadata()
    {
        using var dir = new TempDirectory();
        using var file = SafetensorsFile.Open(WriteAllDTypes(dir));
        Assert.Equal(12, file.Tensors.Count);
        Assert.Equal(SafetensorsDType.BF16, file.Tensors["bf16"].DType);
        Assert.Equal(new long[] { 1, 2 }, file.Tensors["i32"].Shape);
        Assert.Empty(file.Tensors["scalar"].Shape);
        Assert.Equal(1, file.Tensors["scalar"].ElementCount);
        Assert.Equal(0, file.Tensors["empty"].ElementCount);
        Assert.Equal(16 + 24, file.Tensors["f16"].DataStart);
        Assert.Equal(8, file.Tensors["f16"].ByteLength);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal("x", file.Metadata["note"]);
    }

    [Fact]
    public void ReadTensor_returns_the_stored_dtype_and_exact_values()
    {
        using var dir = new TempDirectory();
        using var file = SafetensorsFile.Open(WriteAllDTypes(dir));
        using var scope = torch.NewDisposeScope();

        var f32 = file.ReadTensor("f32");
        Assert.Equal(torch.ScalarType.Float32, f32.dtype);
        Assert.Equal(new long[] { 2, 2 }, f32.shape);
        Assert.Equal(new[] { 1f, -2.5f, 3.25f, float.Epsilon }, f32.data<float>().ToArray());

        Assert.Equal(DoubleValues, file.ReadTensor("f64").data<double>().ToArray());
        var f16 = file.ReadTensor("f16");
        Assert.Equal(torch.ScalarType.Float16, f16.dtype);
        Assert.Equal(HalfValues.Select(h => (float)h).ToArray(), f16.to_type(torch.ScalarType.Float32).data<float>().ToArray());
        var bf16 = file.ReadTensor("bf16");
        Assert.Equal(torch.ScalarType.BFloat16, bf16.dtype);
        Assert.Equal(new[] { 1.5f, -4f }, bf16.to_type(torch.ScalarType.Float32).data<float>().ToArray());
        Assert.Equal(new[] { long.MaxValue, -7L }, file.ReadTensor("i64").data<long>().ToArray());
        Assert.Equal(new[] { int.MinValue, 42 }, file.ReadTensor("i32").data<int>().ToArray());
        Assert.Equal(new short[] { -300, 300 }, file.ReadTensor("i16").data<short>().ToArray());
        Assert.Equal(new sbyte[] { -128, 127 }, file.ReadTensor("i8").data<sbyte>().ToArray());
        Assert.Equal(new byte[] { 0, 128, 255 }, file.ReadTensor("u8").data<byte>().ToArray());
        var b = file.ReadTensor("bool");
        Assert.Equal(torch.ScalarType.Bool, b.dtype);
        Assert.Equal(new[] { true, false, true }, b.data<bool>().ToArray());
        Assert.Equal(9f, file.ReadTensor("scalar").item<float>());
        Assert.Equal(new long[] { 0, 4 }, file.ReadTensor("empty").shape);
    }

    [Theory]
    [InlineData("f16")]
    [InlineData("bf16")]
    [InlineData("f64")]
    [InlineData("f32")]
    public void ReadInto_converts_to_the_destination_dtype_exactly_as_torch_does(string name)
    {
        using var dir = new TempDirectory();
        using var file = SafetensorsFile.Open(WriteAllDTypes(dir));
        using var scope = torch.NewDisposeScope();
        var stored = file.ReadTensor(name);
        var expected = stored.to_type(torch.ScalarType.Float32).data<float>().ToArray();
        var dest = torch.full(stored.shape, float.NaN, torch.ScalarType.Float32);
        file.ReadInto(name, dest);
        Assert.Equal(expected, dest.data<float>().ToArray());
    }

    [Fact]
    public void ReadInto_fills_a_parameter_that_requires_grad_and_a_strided_view()
    {
        using var dir = new TempDirectory();
        using var file = SafetensorsFile.Open(WriteAllDTypes(dir));
        using var scope = torch.NewDisposeScope();
        var param = new TorchSharp.Modules.Parameter(torch.zeros(2, 2));
        file.ReadInto("f32", param);
        Assert.Equal(new[] { 1f, -2.5f, 3.25f, float.Epsilon }, param.data<float>().ToArray());
        Assert.True(param.requires_grad);

        var backing = torch.zeros(2, 2);
        var transposed = backing.t(); // non-contiguous destination: general path
        file.ReadInto("f32", transposed);
        Assert.Equal(new[] { 1f, 3.25f, -2.5f, float.Epsilon }, backing.data<float>().ToArray());

        var f64 = torch.zeros(new long[] { 2 }, torch.ScalarType.Float64); // rarer conversion: I64 -> F64
        file.ReadInto("i64", f64);
        Assert.Equal(new[] { (double)long.MaxValue, -7.0 }, f64.data<double>().ToArray());
    }

    [Fact]
    public void ReadInto_with_a_different_shape_throws_naming_key_and_both_shapes()
    {
        using var dir = new TempDirectory();
        using var file = SafetensorsFile.Open(WriteAllDTypes(dir));
        using var dest = torch.zeros(4);
        var ex = Assert.Throws<ArgumentException>(() => file.ReadInto("f32", dest));
        Assert.Contains("'f32'", ex.Message);
        Assert.Contains("[2, 2]", ex.Message);
        Assert.Contains("[4]", ex.Message);
    }

    [Fact]
    public void Unknown_tensor_name_throws_KeyNotFound_naming_the_tensor()
    {
        using var dir = new TempDirectory();
        using var file = SafetensorsFile.Open(WriteAllDTypes(dir));
        var ex = Assert.Throws<KeyNotFoundException>(() => file.ReadTensor("nope"));
        Assert.Contains("'nope'", ex.Message);
    }

    [Fact]
    public void A_header_problem_is_reported_with_the_file_path()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("bad.safetensors");
        File.WriteAllBytes(path, Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]));
        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));
        Assert.Equal(Path.GetFullPath(path), ex.FilePath);
        Assert.Contains(path, ex.Message);
        Assert.Contains("'a'", ex.Message);
        Assert.Contains("needs 8", ex.Message);
    }

    [SkippableFact]
    public void Reads_the_HF_fixture_checkpoint_and_golden_file()
    {
        string dirPath = SharedData.RequireFixture("distilbert-tiny-seqcls");
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dirPath, "config.json")));
        long dim = config.RootElement.GetProperty("dim").GetInt64();
        long vocab = config.RootElement.GetProperty("vocab_size").GetInt64();
        using var scope = torch.NewDisposeScope();
        using (var model = SafetensorsFile.Open(Path.Combine(dirPath, "model.safetensors")))
        {
            Assert.Equal("pt", model.Metadata["format"]);
            var words = model.ReadTensor("distilbert.embeddings.word_embeddings.weight");
            Assert.Equal(new[] { vocab, dim }, words.shape);
            Assert.Equal(torch.ScalarType.Float32, words.dtype);
            // HF's init zeroes the padding row (pad id 0) and sets LayerNorm weights to 1.
            Assert.True(words[0].eq(0).all().item<bool>());
            Assert.True(words[1].ne(0).any().item<bool>());
            Assert.True(model.ReadTensor("distilbert.embeddings.LayerNorm.weight").eq(1).all().item<bool>());
            foreach (var name in model.Tensors.Keys) model.ReadTensor(name);
        }
        using var golden = SafetensorsFile.Open(Path.Combine(dirPath, "golden.safetensors"));
        var ids = golden.ReadTensor("input_ids");
        var mask = golden.ReadTensor("attention_mask");
        Assert.Equal(torch.ScalarType.Int64, ids.dtype);
        Assert.Equal(ids.shape, mask.shape);
        Assert.True(mask.eq(0).logical_or(mask.eq(1)).all().item<bool>());
        Assert.True(ids.masked_select(mask.eq(0)).eq(0).all().item<bool>(), "padded positions hold pad id 0");
        Assert.True(ids.lt(vocab).all().item<bool>());
    }
}
