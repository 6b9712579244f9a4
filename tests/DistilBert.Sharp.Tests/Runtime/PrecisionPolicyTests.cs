using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tests.Training;
using DistilBert.Sharp.Tests.Weights;
using DistilBert.Sharp.Training;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Runtime;

/// <summary>A made-up machine for precision decisions.</summary>
internal sealed class FakeProbe(CpuCapabilities cpu, Version? cudaCapability = null) : IHardwareProbe
{
    public static readonly FakeProbe Avx2Only = new(CpuCapabilities.ParseCpuInfo(CpuCapabilitiesTests.Zen3, 2)!);
    public static readonly FakeProbe NativeBf16 = new(CpuCapabilities.ParseCpuInfo(CpuCapabilitiesTests.Zen4, 2)!);

    public CpuCapabilities Cpu => cpu;
    public Version? CudaComputeCapability(int deviceIndex) => cudaCapability;
}

/// <summary>The generic logger the Trainer takes, over <see cref="ListLogger"/>.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ListLogger Inner { get; } = new();
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Inner.Log(logLevel, eventId, state, exception, formatter);
}

/// <summary>
/// Precision decisions: auto never picks emulated bf16, an explicit bf16 request on such hardware warns naming the
/// missing feature, and the trainer actually trains in the decided precision (same losses as the explicit mode).
/// </summary>
[Collection(TorchRngCollection.Name)]
public class PrecisionPolicyTests
{
    [Theory]
    [InlineData("cpu", false, null, PrecisionMode.Auto, false)]
    [InlineData("cpu", true, null, PrecisionMode.Auto, true)]
    [InlineData("cpu", true, null, PrecisionMode.Fp32, false)]
    [InlineData("cpu", false, null, PrecisionMode.Bf16, true)]
    [InlineData("cuda", false, "7.5", PrecisionMode.Auto, false)]
    [InlineData("cuda:1", false, "8.0", PrecisionMode.Auto, true)]
    [InlineData("cuda", false, "9.0", PrecisionMode.Bf16, true)]
    [InlineData("cuda", false, null, PrecisionMode.Auto, false)]
    [InlineData("mps", true, null, PrecisionMode.Auto, false)]
    public void Decision_follows_the_hardware(string device, bool cpuBf16, string? cudaCapability, PrecisionMode mode, bool expectBf16)
    {
        var probe = new FakeProbe((cpuBf16 ? FakeProbe.NativeBf16 : FakeProbe.Avx2Only).Cpu, cudaCapability is null ? null : Version.Parse(cudaCapability));
        var decision = PrecisionPolicy.Resolve(mode, device, probe);
        Assert.Equal(expectBf16, decision.UseBf16);
        Assert.Equal(mode, decision.Requested);
        // Auto never runs an emulated bf16 path; a warning appears exactly when bf16 runs emulated.
        if (mode == PrecisionMode.Auto) Assert.True(!decision.UseBf16 || decision.NativeBf16);
        Assert.Equal(decision.UseBf16 && !decision.NativeBf16, decision.Warning is not null);
        Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
    }

    [Fact]
    public void Bf16_on_an_avx2_only_cpu_warns_naming_the_missing_feature()
    {
        var decision = PrecisionPolicy.Resolve(PrecisionMode.Bf16, "cpu", FakeProbe.Avx2Only);
        Assert.Contains("AVX512_BF16", decision.Warning);
        Assert.Contains("AMD EPYC 7B13", decision.Warning);
        Assert.Contains("lacks AVX512_BF16", PrecisionPolicy.Resolve(PrecisionMode.Auto, "cpu", FakeProbe.Avx2Only).Reason);
    }

    [Fact]
    public void Precision_round_trips_through_training_args_json_and_bf16_is_its_alias()
    {
        var args = new TrainingArguments { OutputDir = "out", Precision = PrecisionMode.Auto };
        Assert.Contains("\"precision\": \"auto\"", args.ToJson());
        Assert.Equal(PrecisionMode.Auto, TrainingArguments.FromJson(args.ToJson()).Precision);
        Assert.Equal(PrecisionMode.Fp32, TrainingArguments.FromJson("{\"output_dir\": \"out\"}").EffectivePrecision);
        Assert.Equal(PrecisionMode.Bf16, (args with { Bf16 = true }).EffectivePrecision);
    }

    [Fact]
    public void ToBf16Inference_warns_only_where_bf16_is_emulated()
    {
        var config = new DistilBertConfig { VocabSize = 24, Dim = 16, NLayers = 1, NHeads = 2, HiddenDim = 32, MaxPositionEmbeddings = 16 };
        var emulated = new ListLogger();
        using (var model = new DistilBertForSequenceClassification(config)) model.ToBf16Inference(emulated, FakeProbe.Avx2Only);
        var native = new ListLogger();
        using (var model = new DistilBertForSequenceClassification(config)) model.ToBf16Inference(native, FakeProbe.NativeBf16);
        Assert.Contains(emulated.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("AVX512_BF16"));
        Assert.DoesNotContain(native.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public void Trainer_warns_for_emulated_bf16_and_auto_trains_exactly_like_the_mode_it_picks()
    {
        var (bf16OnAvx2, warned) = Train(a => a with { Bf16 = true }, FakeProbe.Avx2Only);
        Assert.Contains(warned.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("AVX512_BF16"));

        var (autoOnAvx2, autoLog) = Train(a => a with { Precision = PrecisionMode.Auto }, FakeProbe.Avx2Only);
        var (fp32, _) = Train(a => a, FakeProbe.Avx2Only);
        var (autoNative, _) = Train(a => a with { Precision = PrecisionMode.Auto }, FakeProbe.NativeBf16);
        Assert.DoesNotContain(autoLog.Entries, e => e.Level >= LogLevel.Warning);
        // Same seed, same data: auto on an AVX2-only CPU is fp32 step for step, auto on a native CPU is bf16.
        Assert.Equal(fp32, autoOnAvx2);
        Assert.Equal(bf16OnAvx2, autoNative);
        Assert.NotEqual(fp32, bf16OnAvx2); // the two precisions are distinguishable on this run
    }

    private static (List<double> Losses, ListLogger Log) Train(Func<TrainingArguments, TrainingArguments> configure, IHardwareProbe probe)
    {
        using var dir = new TempDirectory();
        var train = SyntheticData.Create(48, seed: 21);
        manual_seed(9);
        using var model = new DistilBertForSequenceClassification(new DistilBertConfig
        {
            VocabSize = 24, Dim = 32, NLayers = 1, NHeads = 2, HiddenDim = 64, MaxPositionEmbeddings = 16,
        });
        var args = configure(new TrainingArguments
        {
            OutputDir = dir.Path, NumTrainEpochs = 1, PerDeviceTrainBatchSize = 8, LearningRate = 2e-2, LoggingSteps = 1,
            SaveStrategy = SaveStrategy.No,
        });
        var logger = new ListLogger<Trainer>();
        using var trainer = new Trainer(model, args, train, logger: logger) { HardwareProbe = probe };
        trainer.Train();
        return (trainer.State.LogHistory.Where(l => l.ContainsKey("loss")).Select(l => l["loss"]).ToList(), logger.Inner);
    }
}
