using System.Text.Json;
using DistilBert.Sharp.Modeling;
using Microsoft.ML.OnnxRuntime;

namespace DistilBert.Sharp.Benchmarks;

/// <summary>
/// <c>onnx-compare --profile</c>: where each engine's forward time goes, same shape, same run. For the library, the
/// forward against its Linear GEMMs alone (the GEMM-only bound, <see cref="PerformanceComparison.GemmTime"/>); for
/// ONNX Runtime, its own per-kernel profile (<see cref="SessionOptions.EnableProfiling"/>) summed by operator type, with
/// the MatMul/Gemm kernels (the Linears and the attention products) apart from the rest. Says whether a gap between the
/// two is in the GEMM library or in the ops around it.
/// </summary>
internal static class OnnxRuntimeProfile
{
    /// <summary>Prints one profile line pair for (<paramref name="batch"/>, <paramref name="seq"/>).</summary>
    public static void Print(string name, DistilBertForSequenceClassification model, string onnxPath, long[] ids, long[] mask,
        int batch, int seq, int threads, int reps, double libraryForwardSeconds)
    {
        double gemm = PerformanceComparison.GemmTime(model.DistilBertConfig, (long)batch * seq, TorchSharp.torch.ScalarType.Float32, reps);
        var (ortTotal, byOp) = OrtKernelTimes(onnxPath, ids, mask, batch, seq, threads, reps);
        double ortGemm = byOp.Where(kv => IsGemm(kv.Key)).Sum(kv => kv.Value);
        string others = string.Join(", ", byOp.Where(kv => !IsGemm(kv.Key)).OrderByDescending(kv => kv.Value).Take(5)
            .Select(kv => $"{kv.Key} {kv.Value * 1e3:F1}"));
        Console.WriteLine($"   profile {name} ({batch},{seq}): library forward {libraryForwardSeconds * 1e3:F1} ms, its Linear GEMMs alone " +
                          $"{gemm * 1e3:F1} ms ({100 * gemm / libraryForwardSeconds:F0}%), the rest {(libraryForwardSeconds - gemm) * 1e3:F1} ms");
        Console.WriteLine($"   profile {name} ({batch},{seq}): ORT kernels {ortTotal * 1e3:F1} ms, MatMul/Gemm kernels (Linears and attention products) " +
                          $"{ortGemm * 1e3:F1} ms ({100 * ortGemm / ortTotal:F0}%), the rest {(ortTotal - ortGemm) * 1e3:F1} ms ({others} ms); " +
                          $"library Linear GEMMs ÷ ORT's whole forward {gemm / ortTotal:F2}");
    }

    private static bool IsGemm(string op) => op.Contains("MatMul", StringComparison.Ordinal) || op.Contains("Gemm", StringComparison.Ordinal);

    /// <summary>ORT's kernel time per run (seconds) and per operator type, from its profile of <paramref name="reps"/> runs after one warm-up.</summary>
    private static (double Total, Dictionary<string, double> ByOp) OrtKernelTimes(string onnxPath, long[] ids, long[] mask,
        int batch, int seq, int threads, int reps)
    {
        string prefix = Path.Combine(Path.GetTempPath(), $"distilbert-sharp-ort-profile-{Environment.ProcessId}");
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = threads, InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL, EnableProfiling = true, ProfileOutputPathPrefix = prefix,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        using var session = new InferenceSession(onnxPath, options);
        for (int i = 0; i <= reps; i++) BenchTiming.OrtForward(session, ids, mask, batch, seq);
        string file = session.EndProfiling();
        try
        {
            var byOp = new Dictionary<string, double>();
            using var profile = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var e in profile.RootElement.EnumerateArray())
            {
                // Node events named "<node>_kernel_time" carry the kernel's duration (µs) and its operator type.
                if (e.GetProperty("cat").GetString() != "Node" || !e.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal)) continue;
                if (!e.TryGetProperty("args", out var args) || !args.TryGetProperty("op_name", out var op)) continue;
                string key = op.GetString()!;
                byOp[key] = byOp.GetValueOrDefault(key) + e.GetProperty("dur").GetInt64() / 1e6 / (reps + 1);
            }
            return (byOp.Values.Sum(), byOp);
        }
        finally
        {
            File.Delete(file);
        }
    }

}
