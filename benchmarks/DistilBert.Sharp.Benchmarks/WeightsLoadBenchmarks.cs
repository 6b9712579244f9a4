using BenchmarkDotNet.Attributes;
using DistilBert.Sharp.Weights;
using TorchSharp;
using TorchSharp.PyBridge;

namespace DistilBert.Sharp.Benchmarks;

/// <summary>
/// Warm load of the 90 MB MiniLM checkpoint (DistilBERT layout) into DistilBertModel-shaped parameters: our
/// memory-mapped <see cref="StateDictLoader"/> against TorchSharp.PyBridge's <c>load_safetensors</c> on the same file.
/// Peak memory is measured separately by <see cref="WeightsLoadMemory"/> (BenchmarkDotNet reports managed allocations only).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class WeightsLoadBenchmarks
{
    private string _path = "";
    private WeightsBenchmarkModel _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        _path = WeightsBenchmarkData.MiniLmCheckpoint();
        _model = WeightsBenchmarkModel.MiniLm();
    }

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    [Benchmark(Baseline = true, Description = "StateDictLoader (one copy into parameters)")]
    public int Ours() => StateDictLoader.Load(_model, _path, new StateDictLoadOptions { Strict = true }).LoadedKeys.Count;

    [Benchmark(Description = "PyBridge load_safetensors")]
    public int PyBridge()
    {
        _model.load_safetensors(_path, strict: true);
        return 0;
    }
}
