using System.Diagnostics;
using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Benchmarks;

/// <summary>
/// <c>latency</c>: what an interactive caller sees. Per-call p50/p99 latency of the model forward at batch 1–4 and of
/// <see cref="TextClassificationPipeline.Predict"/> on one text, at 128 tokens, fp32, for distilbert-base (random init
/// from <c>../shared/models/distilbert-base-uncased/config.json</c>, or the built-in config without it) and MiniLM
/// (<c>../shared/models/minilm-l6-h384-distilbert</c>, when present). With <c>--compare-legacy</c> every measured
/// call alternates with one through the previous code path (<see cref="InferenceFastPath"/> off), so the before/after
/// ratio is taken under the same load. Options: <c>--models base,minilm --batches 1,2,3,4 --seq 128 --calls 100
/// --threads N --compare-legacy --profile</c> (<c>--profile</c> adds GEMM-only time and 1-thread rows).
/// </summary>
public static class LatencyBenchmark
{
    /// <summary>Entry point of the <c>latency</c> subcommand; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        int seq = IntArg(args, "--seq", 128), calls = IntArg(args, "--calls", 100);
        int threads = IntArg(args, "--threads", Environment.ProcessorCount);
        int[] batches = ListArg(args, "--batches", "1,2,3,4").Select(int.Parse).ToArray();
        string[] models = ListArg(args, "--models", "base,minilm");
        bool legacy = args.Contains("--compare-legacy"), profile = args.Contains("--profile");
        CpuTuning.UseThroughputAllocator();
        CpuTuning.SetTorchThreads(threads);
        Console.WriteLine($"latency: fp32, seq {seq}, {calls} calls per row after {Math.Max(5, calls / 10)} warm-up; p50/p99 per call in ms" +
                          (legacy ? "; legacy = previous path, interleaved call by call" : ""));
        Console.WriteLine(MachineInfo.Line());

        string shared = TokenizerData.SharedRoot();
        foreach (string name in models)
        {
            string? folder = name switch
            {
                "base" => Path.Combine(shared, "models", "distilbert-base-uncased"),
                "minilm" => Path.Combine(shared, "models", "minilm-l6-h384-distilbert"),
                _ => throw new ArgumentException($"Unknown model '{name}' (base or minilm)."),
            };
            using var model = LoadModel(name, folder);
            if (model is null) continue;
            Console.WriteLine($"-- {name}: dim {model.DistilBertConfig.Dim}, {model.DistilBertConfig.NLayers} layers");
            foreach (int batch in batches)
            {
                var inputs = PerfModels.Inputs(model.DistilBertConfig, batch, seq);
                Func<float> forward = () => Forward(model, inputs);
                Row($"forward {batch}x{seq}", batch * seq, forward, calls, legacy);
                if (profile && batch == 1)
                {
                    // Each pair alternates call by call, so the ratio holds under whatever load the machine has.
                    var config = model.DistilBertConfig;
                    using var gemms = new GemmPass(config, batch * seq);
                    var (f, g) = MeasurePair(forward, gemms.Run, calls);
                    Console.WriteLine($"   profile {batch}x{seq}: forward p50 {f.P50 * 1e3:F2} ms vs its Linear GEMMs alone {g.P50 * 1e3:F2} ms " +
                                      $"(GEMMs = {g.P50 / f.P50:P0} of the forward; the rest is attention, LayerNorm, GELU, adds and per-call overhead)");
                    var (one, all) = MeasurePair(() => { CpuTuning.SetTorchThreads(1); return forward(); },
                                                 () => { CpuTuning.SetTorchThreads(threads); return forward(); }, calls);
                    CpuTuning.SetTorchThreads(threads);
                    Console.WriteLine($"   profile {batch}x{seq}: 1 torch thread p50 {one.P50 * 1e3:F2} ms vs {threads} threads {all.P50 * 1e3:F2} ms ({one.P50 / all.P50:F2}x)");
                }
                foreach (var t in new[] { inputs.InputIds, inputs.AttentionMask!, inputs.Labels! }) t.Dispose();
            }
            if (File.Exists(Path.Combine(folder, "vocab.txt")))
            {
                var tokenizer = DistilBertTokenizer.FromPretrained(folder);
                var pipeline = new TextClassificationPipeline(model, tokenizer, new TextClassificationPipelineOptions { MaxLength = seq });
                string text = string.Join(" ", Enumerable.Repeat("this movie was a wonderful surprise and the cast is great", seq));
                Func<float> predict = () => pipeline.Predict(text)[0].Score;
                Row($"pipeline Predict 1x{seq}", seq, predict, calls, legacy);
                if (profile)
                {
                    var inputs = PerfModels.Inputs(model.DistilBertConfig, 1, seq);
                    var (p, f) = MeasurePair(predict, () => Forward(model, inputs), calls);
                    Console.WriteLine($"   profile: pipeline Predict p50 {p.P50 * 1e3:F2} ms vs bare forward {f.P50 * 1e3:F2} ms: tokenize + collate + score = {(p.P50 - f.P50) * 1e3:F2} ms per call");
                    foreach (var t in new[] { inputs.InputIds, inputs.AttentionMask!, inputs.Labels! }) t.Dispose();
                }
            }
        }
        return 0;
    }

    private static DistilBertForSequenceClassification? LoadModel(string name, string folder)
    {
        manual_seed(0);
        if (name == "base")
        {
            string config = Path.Combine(folder, "config.json");
            var c = File.Exists(config) ? DistilBertConfig.FromFile(config) : PerfModels.Base();
            var m = new DistilBertForSequenceClassification(c);
            m.eval();
            return m;
        }
        if (!File.Exists(Path.Combine(folder, "model.safetensors")))
        {
            Console.WriteLine($"-- {name}: skipped ({folder} not found)");
            return null;
        }
        var model = DistilBertForSequenceClassification.FromPretrained(folder, new PretrainedOptions { NumLabels = 2 });
        model.eval();
        return model;
    }

    private static float Forward(DistilBertForSequenceClassification model, ModelInputs inputs)
    {
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        return model.call(inputs with { Labels = null }).Logits![0, 0].item<float>();
    }

    private static void Row(string label, long tokens, Func<float> call, int calls, bool legacy)
    {
        if (!legacy)
        {
            var s = Measure(call, calls);
            Console.WriteLine($"{label,-28} p50 {s.P50 * 1e3,8:F2}  p99 {s.P99 * 1e3,8:F2}  = {tokens / s.P50,7:F0} tok/s");
            return;
        }
        var (fast, old) = MeasurePair(() => { InferenceFastPath.Enabled = true; return call(); },
                                      () => { InferenceFastPath.Enabled = false; return call(); }, calls);
        InferenceFastPath.Enabled = true;
        Console.WriteLine($"{label,-28} p50 {fast.P50 * 1e3,8:F2}  p99 {fast.P99 * 1e3,8:F2}  = {tokens / fast.P50,7:F0} tok/s; " +
                          $"legacy p50 {old.P50 * 1e3,8:F2}  p99 {old.P99 * 1e3,8:F2}; speed-up p50 {old.P50 / fast.P50:F3}x, p99 {old.P99 / fast.P99:F3}x");
    }

    private static (double P50, double P99) Measure(Func<float> call, int calls)
    {
        for (int i = 0; i < Math.Max(5, calls / 10); i++) call();
        var times = new double[calls];
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return Percentiles(times);
    }

    /// <summary>
    /// Alternates calls of <paramref name="a"/> and <paramref name="b"/> (which goes first alternates too) so both see
    /// the same machine load.
    /// </summary>
    private static ((double P50, double P99) A, (double P50, double P99) B) MeasurePair(Func<float> a, Func<float> b, int calls)
    {
        var ta = new double[calls];
        var tb = new double[calls];
        for (int i = -Math.Max(5, calls / 10); i < calls; i++)
        {
            for (int pass = 0; pass < 2; pass++)
            {
                bool first = (pass == 0) == (i % 2 == 0);
                long start = Stopwatch.GetTimestamp();
                (first ? a : b)();
                double t = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (i >= 0) (first ? ta : tb)[i] = t;
            }
        }
        return (Percentiles(ta), Percentiles(tb));
    }

    private static (double P50, double P99) Percentiles(double[] times)
    {
        Array.Sort(times);
        return (times[times.Length / 2], times[Math.Min(times.Length - 1, (int)Math.Ceiling(times.Length * 0.99) - 1)]);
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out int v) ? v : fallback;
    }

    private static string[] ListArg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return (i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback).Split(',', StringSplitOptions.RemoveEmptyEntries);
    }
}
