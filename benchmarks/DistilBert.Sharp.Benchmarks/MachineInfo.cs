using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using DistilBert.Sharp.Runtime;
using TorchSharp;

namespace DistilBert.Sharp.Benchmarks;

/// <summary>
/// The machine a figure was taken on, printed beside every benchmark's figures: the CPU model and the flags that decide
/// transformer speed (AVX2, AVX-512, AVX512_BF16, AMX, VNNI: bf16 is native only with AVX512_BF16 or AMX and about 5×
/// slower than fp32 without them), the thread count and the load average. From the library's own probe.
/// </summary>
internal static class MachineInfo
{
    /// <summary>"machine: model, cores; flags; torch threads N; MKL kernels; load average a b c" (loads libtorch).</summary>
    public static string Line()
    {
        TorchRuntime.EnsureLoaded();
        return Line($"torch threads {torch.get_num_threads()}; MKL fp32 GEMM: {TorchRuntime.MklKernels}");
    }

    /// <summary>The same line with <paramref name="threads"/> saying the thread count where torch is not loaded here.</summary>
    public static string Line(string threads) => $"machine: {CpuCapabilities.Current}; {threads}; load average {LoadAverage()}";

    /// <summary>The 1/5/15-minute load averages (from /proc/loadavg; "n/a" elsewhere).</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}

/// <summary>BenchmarkDotNet column naming the CPU's bf16 support, so a summary table read alone still says where bf16 figures hold.</summary>
internal sealed class CpuFlagsColumn : IColumn
{
    public string Id => nameof(CpuFlagsColumn);
    public string ColumnName => "CPU bf16";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Job;
    public int PriorityInCategory => 0;
    public bool IsNumeric => false;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Native bf16 on this CPU (AVX512_BF16 or AMX-BF16); 'emulated' means bf16 rows are slower than fp32 here";
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => CpuCapabilities.Current.HasNativeBf16 ? "native" : "emulated";
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
    public override string ToString() => ColumnName;
}
