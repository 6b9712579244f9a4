using BenchmarkDotNet.Attributes;
using DistilBert.Sharp.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Benchmarks;

/// <summary>
/// Inference forward of a distilbert-base-sized encoder (dim 768, 6 layers, 12 heads; random init, fp32, CPU) on a
/// batch with padding: the fused <c>scaled_dot_product_attention</c> path against the eager path that HF uses and that
/// this library takes only when attention weights are requested (<see cref="ModelInputs.OutputAttentions"/>).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 6)]
public class ModelingForwardBenchmarks
{
    private DistilBertForSequenceClassification _model = null!;
    private Tensor _ids = null!;
    private Tensor _mask = null!;

    /// <summary>Sequence length.</summary>
    [Params(128, 256)]
    public int SeqLen { get; set; }

    /// <summary>Rows per batch.</summary>
    [Params(4)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(0);
        _model = new DistilBertForSequenceClassification(new DistilBertConfig());
        _model.eval();
        _ids = randint(1, 30522, [Batch, SeqLen], dtype: ScalarType.Int64);
        _mask = ones(Batch, SeqLen, dtype: ScalarType.Int64);
        _mask[Batch - 1, TensorIndex.Slice(SeqLen / 2, null)] = 0; // one half-padded row, as in a real batch
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        _ids.Dispose();
        _mask.Dispose();
    }

    [Benchmark(Baseline = true, Description = "fused SDPA")]
    public float Fused() => Run(outputAttentions: false);

    [Benchmark(Description = "eager (OutputAttentions)")]
    public float Eager() => Run(outputAttentions: true);

    private float Run(bool outputAttentions)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = _model.call(new ModelInputs(_ids, _mask) { OutputAttentions = outputAttentions }).Logits!;
        return logits[0, 0].item<float>();
    }
}
