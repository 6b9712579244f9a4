using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Weights;
using static DistilBert.Sharp.Tests.Weights.SafetensorsBytes;

namespace DistilBert.Sharp.Tests.Weights;

public class MalformedFileTests : IClassFixture<MalformedFileTests.Files>
{
    // Opening a malformed file may only cost the (tiny) header plus bookkeeping; never a buffer sized from the claims.
    private const long MaxAllocatedBytes = 2_000_000;

    private readonly Files _files;

    public MalformedFileTests(Files files) => _files = files;

    /// <summary>Writes the corpus once into a temporary folder.</summary>
    public sealed class Files : IDisposable
    {
        private readonly TempDirectory _dir = new();

        public Files()
        {
            for (int i = 0; i < MalformedSafetensorsCorpus.All.Count; i++)
                File.WriteAllBytes(PathOf(i), MalformedSafetensorsCorpus.All[i].Bytes);
            File.WriteAllBytes(_dir.Combine("valid.safetensors"), Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]));
        }

        public string PathOf(int index) => _dir.Combine($"case{index:D3}.safetensors");

        public string Valid => _dir.Combine("valid.safetensors");

        public void Dispose() => _dir.Dispose();
    }

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        for (int i = 0; i < MalformedSafetensorsCorpus.All.Count; i++) data.Add(i, MalformedSafetensorsCorpus.All[i].Name);
        return data;
    }

    [Fact]
    public void The_corpus_has_at_least_50_distinct_cases()
    {
        Assert.True(MalformedSafetensorsCorpus.All.Count >= 50, $"only {MalformedSafetensorsCorpus.All.Count} cases");
        Assert.Equal(MalformedSafetensorsCorpus.All.Count, MalformedSafetensorsCorpus.All.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Malformed_file_is_rejected_with_a_named_problem_and_little_allocation(int index, string name)
    {
        var c = MalformedSafetensorsCorpus.All[index];
        Assert.Equal(name, c.Name);
        string path = _files.PathOf(index);
        using (SafetensorsFile.Open(_files.Valid)) { } // warm up paths so one-time costs are not counted

        SafetensorsFormatException? caught = null;
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            using var file = SafetensorsFile.Open(path);
        }
        catch (SafetensorsFormatException ex)
        {
            caught = ex;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.NotNull(caught);
        Assert.Equal(Path.GetFullPath(path), caught.FilePath);
        Assert.Contains(path, caught.Message);
        Assert.Contains(c.ExpectedFragment, caught.Message);
        Assert.True(allocated < MaxAllocatedBytes, $"opening '{name}' allocated {allocated} bytes");
    }
}
