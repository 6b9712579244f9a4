using System.Text.Json;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Weights;
using TorchSharp;

namespace DistilBert.Sharp.Tests.Weights;

public class CheckpointTests
{
    private static Dictionary<string, torch.Tensor> StateDict()
    {
        var g = new torch.Generator(7);
        return new Dictionary<string, torch.Tensor>
        {
            ["a.weight"] = torch.randn(new long[] { 10, 10 }, generator: g),          // 400 bytes
            ["b.weight"] = torch.randn(new long[] { 5, 10 }, generator: g),           // 200 bytes
            ["c.bias"] = torch.randn(new long[] { 10 }, generator: g),                // 40 bytes
            ["d.huge"] = torch.randn(new long[] { 300 }, generator: g),               // 1200 bytes: alone
            ["e.ids"] = torch.arange(6, dtype: torch.ScalarType.Int64),               // 48 bytes
        };
    }

    [Fact]
    public void Sharded_save_splits_in_name_order_writes_the_HF_index_and_loads_back()
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        var sd = StateDict();
        var files = CheckpointWriter.Save(dir.Path, sd, maxShardSizeBytes: 640);
        // a(400)+b(200) = 600 <= 640; c(40) would make 640 -> still fits; d(1200) alone; e(48) new shard.
        Assert.Equal(4, files.Count);
        string index = dir.Combine("model.safetensors.index.json");
        Assert.Equal(index, files[^1]);
        Assert.False(File.Exists(dir.Combine("model.safetensors")));

        using (var doc = JsonDocument.Parse(File.ReadAllText(index)))
        {
            Assert.Equal(400 + 200 + 40 + 1200 + 48, doc.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
            var map = doc.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
            Assert.Equal("model-00001-of-00003.safetensors", map["a.weight"]);
            Assert.Equal("model-00001-of-00003.safetensors", map["c.bias"]);
            Assert.Equal("model-00002-of-00003.safetensors", map["d.huge"]);
            Assert.Equal("model-00003-of-00003.safetensors", map["e.ids"]);
        }

        using (var ckpt = CheckpointReader.Open(dir.Path))
        {
            Assert.Equal(3, ckpt.Files.Count);
            Assert.Equal(sd.Keys.Order(), ckpt.Keys.Order());
            foreach (var (k, v) in sd)
            {
                var dest = torch.empty_like(v);
                ckpt.ReadInto(k, dest);
                Assert.True(v.eq(dest).all().item<bool>(), k);
            }
        }

        // Saving again unsharded leaves a consistent folder: the old shards and index are gone.
        CheckpointWriter.Save(dir.Path, sd);
        Assert.Equal(["model.safetensors"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        using var single = CheckpointReader.Open(dir.Path);
        Assert.Single(single.Files);
        Assert.Equal(5, single.Keys.Count);
    }

    [Fact]
    public void Broken_indexes_and_empty_folders_give_clear_errors()
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        var missing = Assert.Throws<FileNotFoundException>(() => CheckpointReader.Open(dir.Path));
        Assert.Contains("model.safetensors", missing.Message);

        CheckpointWriter.Save(dir.Path, StateDict(), maxShardSizeBytes: 640);
        string index = dir.Combine("model.safetensors.index.json");
        string good = File.ReadAllText(index);

        File.WriteAllText(index, good.Replace("\"e.ids\": \"model-00003-of-00003.safetensors\"", "\"e.ids\": \"model-00001-of-00003.safetensors\""));
        var wrongShard = Assert.Throws<SafetensorsFormatException>(() => CheckpointReader.Open(dir.Path));
        Assert.Contains("'e.ids'", wrongShard.Message);

        File.WriteAllText(index, good.Replace("model-00003-of-00003", "../model-00003-of-00003"));
        Assert.Contains("plain file name", Assert.Throws<SafetensorsFormatException>(() => CheckpointReader.Open(dir.Path)).Message);

        File.Delete(dir.Combine("model-00002-of-00003.safetensors"));
        File.WriteAllText(index, good);
        var gone = Assert.Throws<FileNotFoundException>(() => CheckpointReader.Open(dir.Path));
        Assert.Contains("model-00002-of-00003.safetensors", gone.Message);

        File.WriteAllText(index, "{\"weight_map\": [");
        Assert.Contains("not valid JSON", Assert.Throws<SafetensorsFormatException>(() => CheckpointReader.Open(index)).Message);
        File.WriteAllText(index, "{\"metadata\": {}}");
        Assert.Contains("weight_map", Assert.Throws<SafetensorsFormatException>(() => CheckpointReader.Open(index)).Message);
    }

    [SkippableFact]
    public void The_F16_two_shard_reference_checkpoint_loads_into_F32_exactly()
    {
        string dirPath = SharedData.RequireModel("all-minilm-l6-v2-bert");
        using var ckpt = CheckpointReader.Open(dirPath);
        Assert.Equal(2, ckpt.Files.Count);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dirPath, "model.safetensors.index.json")));
        var map = doc.RootElement.GetProperty("weight_map");
        Assert.Equal(map.EnumerateObject().Count(), ckpt.Keys.Count);
        // total_size counts every tensor's bytes, so it checks the shapes and dtypes we parsed.
        Assert.Equal(doc.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64(), ckpt.Tensors.Values.Sum(t => t.ByteLength));
        Assert.Equal(SafetensorsDType.I64, ckpt.Tensors["embeddings.position_ids"].DType);

        foreach (var (name, info) in ckpt.Tensors)
        {
            if (info.DType != SafetensorsDType.F16) continue;
            using var scope = torch.NewDisposeScope();
            var half = ckpt.ReadTensor(name);
            var dest = torch.full(info.Shape, float.NaN);
            ckpt.ReadInto(name, dest);
            // torch's own F16 -> F32 widening is exact, so equality means our conversion is exact too.
            Assert.True(dest.eq(half.to_type(torch.ScalarType.Float32)).all().item<bool>(), name);
        }
    }
}
