using BenchmarkDotNet.Attributes;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Training.Optimization;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Benchmarks;

/// <summary>
/// Throughput of the full distilbert-base configuration (random init, built in code): inference forward (eval, no_grad)
/// and one training step (forward + backward + AdamW), fp32 and bf16, at (batch, seq) = (1,128), (16,128), (8,512).
/// bf16 inference uses <see cref="MixedPrecision.ToBf16Inference"/> (weights cast once); bf16 training uses autocast with
/// fp32 master weights, as <c>TrainingArguments.Bf16</c> does. Tokens/s = Batch × Seq ÷ mean time.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ThroughputBenchmarks
{
    private DistilBertForSequenceClassification _model = null!;
    private AdamW? _optimizer;
    private ModelInputs _inputs = null!;

    /// <summary>"batch x seq".</summary>
    [Params("1x128", "16x128", "8x512")]
    public string Shape { get; set; } = "16x128";

    /// <summary>fp32 or bf16 mixed precision.</summary>
    [Params(Precision.Fp32, Precision.Bf16)]
    public Precision Precision { get; set; }

    /// <summary>Builds the model and the inputs.</summary>
    [GlobalSetup(Target = nameof(Forward))]
    public void SetupForward() => Setup(train: false);

    /// <summary>Builds the model, the optimizer and the inputs.</summary>
    [GlobalSetup(Target = nameof(TrainStep))]
    public void SetupTrain() => Setup(train: true);

    private void Setup(bool train)
    {
        CpuTuning.UseThroughputAllocator(); // each benchmark runs in a fresh process: this is before libtorch's first allocation
        var config = PerfModels.Base();
        int[] bs = Shape.Split('x').Select(int.Parse).ToArray();
        _model = PerfModels.NewModel(config, train);
        if (!train && Precision == Precision.Bf16) _model.ToBf16Inference();
        if (train) _optimizer = PerfModels.NewOptimizer(_model);
        _inputs = PerfModels.Inputs(config, bs[0], bs[1]);
    }

    /// <summary>Frees the model, the optimizer state and the inputs.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _optimizer?.Dispose();
        _model.Dispose();
        foreach (var t in new[] { _inputs.InputIds, _inputs.AttentionMask!, _inputs.Labels! }) t.Dispose();
    }

    /// <summary>Inference forward.</summary>
    [Benchmark]
    public float Forward() => PerfModels.Forward(_model, _inputs);

    /// <summary>Forward + backward + AdamW step.</summary>
    [Benchmark]
    public float TrainStep() => PerfModels.TrainStep(_model, _optimizer!, _inputs, Precision == Precision.Bf16);
}

/// <summary>
/// CI-sized version of <see cref="ThroughputBenchmarks"/>: a 2-layer dim-128 model at (8, 64), so a full run takes
/// seconds (<c>--filter *QuickThroughput*</c>). Catches regressions in the bf16 and fp32 code paths, not absolute speed.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class QuickThroughputBenchmarks
{
    private DistilBertForSequenceClassification _model = null!;
    private AdamW _optimizer = null!;
    private ModelInputs _inputs = null!;

    /// <summary>fp32 or bf16 mixed precision.</summary>
    [Params(Precision.Fp32, Precision.Bf16)]
    public Precision Precision { get; set; }

    /// <summary>Builds the tiny model.</summary>
    [GlobalSetup]
    public void Setup()
    {
        CpuTuning.UseThroughputAllocator();
        var config = PerfModels.Tiny();
        _model = PerfModels.NewModel(config, train: true);
        _optimizer = PerfModels.NewOptimizer(_model);
        _inputs = PerfModels.Inputs(config, 8, 64);
    }

    /// <summary>Frees everything.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _optimizer.Dispose();
        _model.Dispose();
        foreach (var t in new[] { _inputs.InputIds, _inputs.AttentionMask!, _inputs.Labels! }) t.Dispose();
    }

    /// <summary>Forward (under autocast for bf16; the training-mode model is used in no_grad).</summary>
    [Benchmark]
    public float Forward()
    {
        using (MixedPrecision.Bf16Autocast(Precision == Precision.Bf16))
            return PerfModels.Forward(_model, _inputs);
    }

    /// <summary>Forward + backward + AdamW step.</summary>
    [Benchmark]
    public float TrainStep() => PerfModels.TrainStep(_model, _optimizer, _inputs, Precision == Precision.Bf16);
}
