using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Weights;
using TorchSharp;

namespace DistilBert.Sharp.Tests.Weights;

public class SafetensorsWriterTests
{
    private static Dictionary<string, torch.Tensor> SampleTensors()
    {
        var g = new torch.Generator(1234);
        var f32 = torch.randn(new long[] { 3, 5 }, generator: g);
        f32[0, 0] = torch.tensor(float.NaN);
        return new Dictionary<string, torch.Tensor>
        {
            ["z.f32"] = f32,
            ["a.f64"] = torch.randn(new long[] { 4 }, torch.ScalarType.Float64, generator: g),
            ["m.f16"] = torch.randn(new long[] { 2, 3 }, generator: g).to_type(torch.ScalarType.Float16),
            ["m.bf16"] = torch.randn(new long[] { 7 }, generator: g).to_type(torch.ScalarType.BFloat16),
            ["i64"] = torch.tensor(new[] { long.MinValue, 0, long.MaxValue }),
            ["i32"] = torch.tensor(new[] { -1, 2 }),
            ["i16"] = torch.tensor(new short[] { -32768, 5 }),
            ["i8"] = torch.tensor(new sbyte[] { -1, 1 }),
            ["u8"] = torch.tensor(new byte[] { 255, 0, 7 }),
            ["bool"] = torch.tensor(new[] { true, false }),
            ["scalar"] = torch.tensor(2.5f),
            ["empty"] = torch.zeros(0, 3),
            ["strided"] = torch.arange(12, dtype: torch.ScalarType.Float32).reshape(3, 4).t(), // non-contiguous
        };
    }

    private static byte[] Bytes(torch.Tensor t) => t.contiguous().bytes.ToArray();

    [Fact]
    public void Round_trip_of_every_dtype_is_bit_identical()
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        var tensors = SampleTensors();
        string path = dir.Combine("out.safetensors");
        SafetensorsWriter.Save(path, tensors, new Dictionary<string, string> { ["source"] = "test" });

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(tensors.Keys.Order(), file.Tensors.Keys.Order());
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal("test", file.Metadata["source"]);
        foreach (var (name, expected) in tensors)
        {
            var actual = file.ReadTensor(name);
            Assert.Equal(expected.dtype, actual.dtype);
            Assert.Equal(expected.shape, actual.shape);
            Assert.Equal(Bytes(expected), Bytes(actual));
        }
        Assert.Single(Directory.GetFiles(dir.Path)); // temp file renamed away
    }

    [Fact]
    public void Layout_is_sorted_packed_padded_with_metadata_last()
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        string path = dir.Combine("out.safetensors");
        SafetensorsWriter.Save(path, SampleTensors());
        byte[] bytes = File.ReadAllBytes(path);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        string trimmed = header.TrimEnd(' ');
        Assert.True(n - trimmed.Length < 8, "padding is fewer than 8 spaces");
        Assert.DoesNotContain(" ", trimmed); // compact separators, as the reference writer
        Assert.EndsWith("\"__metadata__\":{\"format\":\"pt\"}}", trimmed);

        using var doc = JsonDocument.Parse(trimmed);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal("__metadata__", names[^1]);
        var tensorNames = names[..^1];
        Assert.Equal(tensorNames.OrderBy(x => x, StringComparer.Ordinal), tensorNames);
        long expectedStart = 0;
        foreach (var name in tensorNames)
        {
            var offsets = doc.RootElement.GetProperty(name).GetProperty("data_offsets");
            Assert.Equal(expectedStart, offsets[0].GetInt64());
            expectedStart = offsets[1].GetInt64();
        }
        Assert.Equal(bytes.Length, 8 + n + expectedStart); // packed, nothing trailing
    }

    [Fact]
    public void Save_replaces_an_existing_file_and_keeps_it_when_a_tensor_cannot_be_saved()
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        string path = dir.Combine("w.safetensors");
        SafetensorsWriter.Save(path, [new("a", torch.ones(2))]);
        SafetensorsWriter.Save(path, [new("b", torch.zeros(3))]);
        using (var file = SafetensorsFile.Open(path)) Assert.Equal(["b"], file.Tensors.Keys);

        byte[] before = File.ReadAllBytes(path);
        var complex = torch.zeros(2, dtype: torch.ScalarType.ComplexFloat32);
        var ex = Assert.Throws<NotSupportedException>(() => SafetensorsWriter.Save(path, [new("c", complex)]));
        Assert.Contains("'c'", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Save(path, [new("x", torch.ones(1)), new("x", torch.ones(1))]));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [SkippableTheory]
    [InlineData("models/minilm-l6-h384-distilbert/model.safetensors")]
    [InlineData("fixtures/distilbert-tiny-seqcls/model.safetensors")]
    [InlineData("models/all-minilm-l6-v2-bert/model-00001-of-00002.safetensors")]
    public void Rewriting_a_reference_file_reproduces_it_byte_for_byte(string relative)
    {
        Skip.If(SharedData.RootPath is null, "../shared is absent on this machine; test skipped.");
        string source = Path.Combine(SharedData.RootPath!, relative);
        Skip.IfNot(File.Exists(source), $"{source} is absent; test skipped.");
        using var dir = new TempDirectory();
        string copy = dir.Combine("rewritten.safetensors");
        using (var scope = torch.NewDisposeScope())
        using (var file = SafetensorsFile.Open(source))
        {
            var all = file.Tensors.Keys.Select(k => new KeyValuePair<string, torch.Tensor>(k, file.ReadTensor(k))).ToList();
            SafetensorsWriter.Save(copy, all, file.Metadata);
        }
        // Same bytes means the header (key order, separators, metadata placement, padding) matches the reference
        // writer's output and every tensor was read and re-written bit-identically.
        using var a = File.OpenRead(source);
        using var b = File.OpenRead(copy);
        Assert.Equal(a.Length, b.Length);
        var bufA = new byte[1 << 20];
        var bufB = new byte[1 << 20];
        int read;
        long position = 0;
        while ((read = a.Read(bufA)) > 0)
        {
            b.ReadExactly(bufB, 0, read);
            Assert.True(bufA.AsSpan(0, read).SequenceEqual(bufB.AsSpan(0, read)), $"files differ in the block at byte {position}");
            position += read;
        }
    }
}
