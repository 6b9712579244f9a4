using System.Diagnostics;
using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Benchmarks;

/// <summary>
/// <c>compare</c>: one process, one run, ratios measured side by side (the machine may be shared, so only ratios from the
/// same run are comparable): forward and train-step throughput of distilbert-base against the GEMM-only bound (the same
/// Linear GEMMs timed alone), fused SDPA vs eager attention, bf16 vs fp32, and padded÷real tokens on IMDb.
/// Options: <c>--batch 16 --seq 128 --reps 3 --threads N --skip-imdb --imdb-limit 25000 --default-allocator --skip-onnx</c>.
/// </summary>
public static class PerformanceComparison
{
    /// <summary>Entry point of the <c>compare</c> subcommand; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        int batch = IntArg(args, "--batch", 16), seq = IntArg(args, "--seq", 128), reps = IntArg(args, "--reps", 3);
        int threads = IntArg(args, "--threads", Environment.ProcessorCount);
        // Before libtorch's first allocation, which is when it reads the huge-page switch (see CpuTuning).
        bool tuned = !args.Contains("--default-allocator") && CpuTuning.UseThroughputAllocator();
        CpuTuning.SetTorchThreads(threads);
        var config = PerfModels.Base();
        long tokens = (long)batch * seq;
        Console.WriteLine($"compare: distilbert-base, (batch, seq) = ({batch}, {seq}), {tokens} tokens; torch threads {torch.get_num_threads()} of {Environment.ProcessorCount} cores; " +
                          $"allocator {(tuned ? "CpuTuning.UseThroughputAllocator()" : "glibc/libtorch defaults")}; load average {LoadAverage()}; median of {reps} after 1 warm-up");
        Console.WriteLine(MachineInfo.Line());

        // 1. GEMM-only bound: the forward's Linear GEMMs (with bias), timed alone, fp32 and bf16.
        double gemm32 = GemmTime(config, tokens, ScalarType.Float32, reps);
        double gemm16 = GemmTime(config, tokens, ScalarType.BFloat16, reps);
        double flops = 2.0 * tokens * LinearParams(config);
        Console.WriteLine($"GEMM only (forward's Linears): fp32 {gemm32 * 1e3:F0} ms = {flops / gemm32 / 1e9:F0} GFLOP/s; bf16 {gemm16 * 1e3:F0} ms = {flops / gemm16 / 1e9:F0} GFLOP/s; bf16 speed-up {gemm32 / gemm16:F2}x");

        // 2. Inference forward.
        var inputs = PerfModels.Inputs(config, batch, seq);
        double fwd32, eager32, fwd16, auto16;
        using (var model = PerfModels.NewModel(config, train: false))
        {
            fwd32 = BenchTiming.Median(() => PerfModels.Forward(model, inputs), reps);
            eager32 = BenchTiming.Median(() => PerfModels.Forward(model, inputs, outputAttentions: true), reps);
            using (MixedPrecision.Bf16Autocast())
                auto16 = BenchTiming.Median(() => PerfModels.Forward(model, inputs), reps);
            model.ToBf16Inference();
            fwd16 = BenchTiming.Median(() => PerfModels.Forward(model, inputs), reps);
        }
        Console.WriteLine($"forward fp32 (SDPA): {fwd32 * 1e3:F0} ms = {tokens / fwd32:F0} tok/s = {gemm32 / fwd32:F2} of the fp32 GEMM bound (target >= 0.85)");
        Console.WriteLine($"forward fp32 eager attention: {eager32 * 1e3:F0} ms; SDPA speed-up over eager {eager32 / fwd32:F2}x");
        Console.WriteLine($"forward bf16 (ToBf16Inference): {fwd16 * 1e3:F0} ms = {tokens / fwd16:F0} tok/s = {gemm16 / fwd16:F2} of the bf16 GEMM bound; bf16/fp32 speed-up {fwd32 / fwd16:F2}x (target >= 2.2)");
        Console.WriteLine($"forward bf16 (autocast, weights cast per call): {auto16 * 1e3:F0} ms; speed-up {fwd32 / auto16:F2}x");

        // 3. Training step: forward + backward + AdamW.
        var t32 = TrainTime(config, inputs, bf16: false, reps);
        var t16 = TrainTime(config, inputs, bf16: true, reps);
        double train32 = t32.Total, train16 = t16.Total;
        Console.WriteLine($"train step fp32: {train32 * 1e3:F0} ms = {tokens / train32:F0} tok/s = {3 * gemm32 / train32:F2} of 3x the fp32 GEMM bound (target >= 0.70); {Phases(t32)}");
        Console.WriteLine($"train step bf16: {train16 * 1e3:F0} ms = {tokens / train16:F0} tok/s = {3 * gemm16 / train16:F2} of 3x the bf16 GEMM bound; bf16/fp32 speed-up {train32 / train16:F2}x (target >= 1.7); {Phases(t16)}");
        foreach (var t in new[] { inputs.InputIds, inputs.AttentionMask!, inputs.Labels! }) t.Dispose();

        if (!args.Contains("--skip-imdb")) ImdbPadding(IntArg(args, "--imdb-limit", 25_000), batch);
        if (!args.Contains("--skip-onnx")) OnnxRuntimeComparison.Rows(threads, reps);
        return 0;
    }

    private static void ImdbPadding(int limit, int batch)
    {
        string shared = TokenizerData.SharedRoot();
        string archive = Path.Combine(shared, "data", "aclImdb_v1.tar.gz");
        string vocabDir = Path.Combine(shared, "models", "distilbert-base-uncased");
        if (!File.Exists(archive) || !Directory.Exists(vocabDir))
        {
            Console.WriteLine($"IMDb padding: skipped ({archive} or {vocabDir} not found).");
            return;
        }
        var sw = Stopwatch.StartNew();
        var texts = TokenizerData.ReadLabeledReviews(archive, limit);
        var tokenizer = DistilBertTokenizer.FromPretrained(vocabDir);
        const int maxLength = 512;
        // Tokenization runs on .NET threads while torch is idle here, so the two never compete for the cores.
        var lengths = new int[texts.Count];
        Parallel.For(0, texts.Count, i => lengths[i] = Math.Min(tokenizer.EncodeToIds(texts[i]).Length, maxLength));
        long real = lengths.Sum(l => (long)l);
        Console.WriteLine($"IMDb: {texts.Count:N0} reviews tokenized (max length {maxLength}) in {sw.Elapsed.TotalSeconds:F1} s; {real:N0} real tokens, mean {real / (double)texts.Count:F0}");

        long padTo512 = (long)texts.Count * maxLength;
        long dynamic = PaddedTokens(lengths, new RandomSamplerOrder(lengths.Length, 42).Order, batch);
        long grouped = PaddedTokens(lengths, new LengthGroupedSampler(lengths, batch, seed: 42).Order(0), batch);
        Console.WriteLine($"padded/real tokens, batch {batch}: pad-to-512 {padTo512 / (double)real:F3}; dynamic padding (random batches) {dynamic / (double)real:F3}; " +
                          $"length-grouped (HF megabatches) {grouped / (double)real:F3} (target <= 1.05)");
    }

    /// <summary>Tokens after padding each consecutive batch of <paramref name="order"/> to its longest example.</summary>
    private static long PaddedTokens(int[] lengths, int[] order, int batch) =>
        order.Chunk(batch).Sum(b => (long)b.Length * b.Max(i => lengths[i]));

    private sealed class RandomSamplerOrder(int count, int seed)
    {
        public int[] Order { get; } = new SeededShuffle(seed, 0).Permutation(count);
    }

    /// <summary>
    /// Median train-step time, and where it goes: mean forward / backward / AdamW (incl. zero_grad) over the timed steps.
    /// </summary>
    private static (double Total, double Forward, double Backward, double Optimizer) TrainTime(DistilBertConfig config, ModelInputs inputs, bool bf16, int reps)
    {
        using var model = PerfModels.NewModel(config, train: true);
        using var optimizer = PerfModels.NewOptimizer(model);
        var phases = new double[3];
        var totals = new double[reps];
        for (int i = -1; i < reps; i++) // i = -1 is the warm-up (allocates the AdamW state)
        {
            using var scope = NewDisposeScope();
            var sw = Stopwatch.StartNew();
            ModelOutput output;
            using (MixedPrecision.Bf16Autocast(bf16))
                output = model.call(inputs);
            output.Loss!.item<float>();
            double f = sw.Elapsed.TotalSeconds;
            output.Loss.backward();
            double b = sw.Elapsed.TotalSeconds;
            optimizer.Step();
            optimizer.ZeroGrad();
            double o = sw.Elapsed.TotalSeconds;
            if (i < 0) continue;
            phases[0] += f; phases[1] += b - f; phases[2] += o - b;
            totals[i] = o;
        }
        Array.Sort(totals);
        return (totals[reps / 2], phases[0] / reps, phases[1] / reps, phases[2] / reps);
    }

    private static string Phases((double Total, double Forward, double Backward, double Optimizer) t) =>
        $"forward {t.Forward * 1e3:F0} ms, backward {t.Backward * 1e3:F0} ms, AdamW {t.Optimizer * 1e3:F0} ms";

    /// <summary>Time of all Linear GEMMs of one forward (per layer: q, k, v, out, lin1, lin2), in <paramref name="dtype"/>.</summary>
    internal static double GemmTime(DistilBertConfig c, long tokens, ScalarType dtype, int reps)
    {
        using var scope = NewDisposeScope();
        var x = randn(tokens, c.Dim).to(dtype);
        var h = randn(tokens, c.HiddenDim).to(dtype);
        var wDim = randn(c.Dim, c.Dim).to(dtype);
        var w1 = randn(c.HiddenDim, c.Dim).to(dtype);
        var w2 = randn(c.Dim, c.HiddenDim).to(dtype);
        var bDim = zeros(c.Dim).to(dtype);
        var bHidden = zeros(c.HiddenDim).to(dtype);
        return BenchTiming.Median(() =>
        {
            using var inner = NewDisposeScope();
            using var noGrad = no_grad();
            for (int layer = 0; layer < c.NLayers; layer++)
            {
                for (int i = 0; i < 4; i++) nn.functional.linear(x, wDim, bDim).Dispose();
                nn.functional.linear(x, w1, bHidden).Dispose();
                nn.functional.linear(h, w2, bDim).Dispose();
            }
        }, reps);
    }

    private static long LinearParams(DistilBertConfig c) => (long)c.NLayers * (4L * c.Dim * c.Dim + 2L * c.Dim * c.HiddenDim);

    private static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out int v) ? v : fallback;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
