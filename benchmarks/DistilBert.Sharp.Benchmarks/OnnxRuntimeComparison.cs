using System.Diagnostics;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Onnx;
using DistilBert.Sharp.Runtime;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Benchmarks;

/// <summary>
/// ONNX Runtime rows of <c>compare</c> (also alone as <c>onnx-compare</c>): our exported distilbert-base (random init,
/// distilbert-base-uncased config) and MiniLM graphs in ORT fp32 and dynamic int8, beside the library's fp32 and bf16
/// forward, same thread count, one process, at (16,128), (8,512), (1,128). Also the export time and the session load
/// with all ORT graph optimizations. Options: <c>--threads N --reps 3 --models base,minilm</c>.
/// </summary>
public static class OnnxRuntimeComparison
{
    private static readonly (int Batch, int Seq)[] Shapes = [(16, 128), (8, 512), (1, 128)];

    /// <summary>Entry point of <c>onnx-compare</c>.</summary>
    public static int Run(string[] args)
    {
        int threads = IntArg(args, "--threads", Environment.ProcessorCount), reps = IntArg(args, "--reps", 3);
        CpuTuning.UseThroughputAllocator();
        CpuTuning.SetTorchThreads(threads);
        string models = StringArg(args, "--models", "base,minilm");
        Rows(threads, reps, models.Split(','), profile: args.Contains("--profile"));
        return 0;
    }

    /// <summary>Prints the ONNX Runtime rows (the hook <c>compare</c> calls at its end).</summary>
    public static void Rows(int threads, int reps, IReadOnlyList<string>? models = null, bool profile = false)
    {
        models ??= ["base", "minilm"];
        Console.WriteLine($"onnx: {CpuDescription()}; threads {threads} (torch {torch.get_num_threads()}, ORT intra-op {threads}, inter-op 1); load average {MachineInfo.LoadAverage()}; median of {reps} rounds after 3 warm-up rounds (library fp32, ORT fp32, ORT int8 called in turn each round)");
        string shared = TokenizerData.SharedRoot();
        string work = Path.Combine(Path.GetTempPath(), $"distilbert-sharp-onnx-bench-{Environment.ProcessId}");
        try
        {
            foreach (string name in models)
            {
                using var model = Create(name, shared);
                if (model is null) continue;
                RunModel(name, model, Path.Combine(work, name), threads, reps, profile);
            }
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    private static DistilBertForSequenceClassification? Create(string name, string shared)
    {
        string dir = Path.Combine(shared, "models", name == "base" ? "distilbert-base-uncased" : "minilm-l6-h384-distilbert");
        if (!Directory.Exists(dir))
        {
            Console.WriteLine($"onnx {name}: skipped ({dir} not found).");
            return null;
        }
        manual_seed(0);
        var model = name == "base"
            ? new DistilBertForSequenceClassification(DistilBertConfig.FromFile(Path.Combine(dir, "config.json")).Clone())
            : DistilBertForSequenceClassification.FromPretrained(dir, new PretrainedOptions { NumLabels = 2 });
        model.eval();
        return model;
    }

    private static void RunModel(string name, DistilBertForSequenceClassification model, string work, int threads, int reps, bool profile)
    {
        var fp32 = OnnxExporter.Export(model, Path.Combine(work, "fp32"), new OnnxExportOptions { Overwrite = true });
        var int8 = OnnxExporter.Export(model, Path.Combine(work, "int8"), new OnnxExportOptions { Overwrite = true, Quantization = OnnxQuantization.DynamicInt8 });
        var load = Stopwatch.StartNew();
        using var sessionFp32 = Session(fp32.ModelPath, threads);
        double loadFp32 = load.Elapsed.TotalSeconds;
        using var sessionInt8 = Session(int8.ModelPath, threads);
        Console.WriteLine($"onnx {name}: export fp32 {fp32.Elapsed.TotalSeconds:F1} s ({new FileInfo(fp32.ModelPath).Length / 1e6:F0} MB, validated max |diff| {fp32.MaxAbsDifference:G2}), " +
                          $"int8 {int8.Elapsed.TotalSeconds:F1} s ({new FileInfo(int8.ModelPath).Length / 1e6:F0} MB, {int8.QuantizedMatMuls} Linear); " +
                          $"fp32 session load with ORT_ENABLE_ALL {loadFp32:F1} s");

        var rows = new List<(string Shape, double Torch32, double Ort32, double Ort8)>();
        foreach (var (batch, seq) in Shapes)
        {
            var (ids, mask) = Inputs(batch, seq, model.DistilBertConfig.VocabSize);
            using var idsTensor = tensor(ids, [batch, seq]);
            using var maskTensor = tensor(mask, [batch, seq]);
            // Round-robin, one call of each per round, so a drift in machine speed (this VM swings ±15% between
            // minutes) reaches all three alike and the ratios hold within the run.
            // Three warm-up rounds, not one: right after the ORT sessions load (hundreds of MB read and freed), libtorch's
            // first forwards re-fault their activation buffers (measured ~17,800 minor page faults per distilbert-base
            // (16,128) call, +30% time, against 0–7 per call once settled), which a user running one engine never sees.
            double[] medians = BenchTiming.Interleaved(reps, warmUpRounds: 3,
                () => TorchForward(model, idsTensor, maskTensor),
                () => BenchTiming.OrtForward(sessionFp32, ids, mask, batch, seq),
                () => BenchTiming.OrtForward(sessionInt8, ids, mask, batch, seq));
            rows.Add(($"({batch},{seq})", medians[0], medians[1], medians[2]));
            if (profile) OnnxRuntimeProfile.Print(name, model, fp32.ModelPath, ids, mask, batch, seq, threads, reps, medians[0]);
        }
        model.ToBf16Inference();
        for (int i = 0; i < Shapes.Length; i++)
        {
            var (batch, seq) = Shapes[i];
            var (ids, mask) = Inputs(batch, seq, model.DistilBertConfig.VocabSize);
            using var idsTensor = tensor(ids, [batch, seq]);
            using var maskTensor = tensor(mask, [batch, seq]);
            double torch16 = BenchTiming.Median(() => TorchForward(model, idsTensor, maskTensor), reps);
            var r = rows[i];
            double tokens = (double)batch * seq;
            Console.WriteLine($"onnx {name} {r.Shape}: tok/s library fp32 {tokens / r.Torch32:F0}, library bf16 {tokens / torch16:F0}, ORT fp32 {tokens / r.Ort32:F0}, ORT int8 {tokens / r.Ort8:F0}; " +
                              $"ORT int8/ORT fp32 {r.Ort32 / r.Ort8:F2}x (target >= 1.8 at (16,128)), ORT fp32/library fp32 {r.Torch32 / r.Ort32:F2}x, ORT int8/library bf16 {torch16 / r.Ort8:F2}x");
        }
    }

    private static InferenceSession Session(string path, int threads)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        // ORT's pool threads spin after each run by default; in one process with torch that would steal the cores from
        // the next torch measurement, so they sleep instead (a fair side-by-side; ORT alone may run a little faster).
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return new InferenceSession(path, options);
    }

    private static (long[] Ids, long[] Mask) Inputs(int batch, int seq, int vocab)
    {
        var random = new Random(1);
        return (Enumerable.Range(0, batch * seq).Select(_ => (long)random.Next(1, vocab)).ToArray(), Enumerable.Repeat(1L, batch * seq).ToArray());
    }

    private static float TorchForward(DistilBertForSequenceClassification model, Tensor ids, Tensor mask)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return model.call(new ModelInputs(ids, mask)).Logits![0, 0].to_type(ScalarType.Float32).item<float>();
    }

    /// <summary>The CPU (model, vendor/family, SIMD flags from the library's probe) and which MKL fp32 kernels run.</summary>
    internal static string CpuDescription()
    {
        TorchRuntime.EnsureLoaded();
        return $"CPU {CpuCapabilities.Current}; MKL fp32 GEMM: {TorchRuntime.MklKernels}";
    }

    internal static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out int v) ? v : fallback;
    }

    internal static string StringArg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
