using System.Diagnostics;
using DistilBert.Sharp.Data;
using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Onnx;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace DistilBert.Sharp.Benchmarks;

/// <summary>
/// <c>onnx-imdb-eval</c>: exports a fine-tuned IMDb classifier to ONNX fp32 and dynamic int8, classifies the same
/// seeded sample of IMDb test reviews with both (and with the TorchSharp fp32 pipeline), and reports int8/fp32
/// prediction agreement, each accuracy, and int8 vs fp32 ORT throughput at a fixed (batch, seq).
/// Options: <c>--model DIR --data aclImdb_v1.tar.gz --work DIR --samples 2000 --max-length 128 --threads N --reps 5 --skip-torch
/// --exclude a,b</c> (Linear modules kept fp32, see <see cref="OnnxExportOptions.ExcludeFromQuantization"/>).
/// </summary>
public static class OnnxImdbEvaluation
{
    /// <summary>Entry point; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        string model = OnnxRuntimeComparison.StringArg(args, "--model", "/work/artifacts/minilm-imdb-teacher/model");
        string data = OnnxRuntimeComparison.StringArg(args, "--data", Path.Combine(TokenizerData.SharedRoot(), "data", "aclImdb_v1.tar.gz"));
        string work = OnnxRuntimeComparison.StringArg(args, "--work", "/work/artifacts/issue-13");
        int samples = OnnxRuntimeComparison.IntArg(args, "--samples", 2000), maxLength = OnnxRuntimeComparison.IntArg(args, "--max-length", 128);
        int threads = OnnxRuntimeComparison.IntArg(args, "--threads", Environment.ProcessorCount), reps = OnnxRuntimeComparison.IntArg(args, "--reps", 5);
        string[] exclude = OnnxRuntimeComparison.StringArg(args, "--exclude", "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        CpuTuning.UseThroughputAllocator();
        CpuTuning.SetTorchThreads(threads);
        Console.WriteLine($"onnx-imdb-eval: {OnnxRuntimeComparison.CpuDescription()}; threads {threads}; load average {MachineInfo.LoadAverage()}");

        string aclImdb = ImdbDataset.EnsureAsync(data, Path.Combine(work, "imdb")).GetAwaiter().GetResult();
        var test = ImdbDataset.LoadSplit(aclImdb, "test");
        var reviews = new SeededShuffle(42, 0).Permutation(test.Count).Take(samples).Select(i => test[i]).ToList();
        var texts = reviews.Select(r => r.Text).ToList();
        Console.WriteLine($"{reviews.Count} test reviews (seed 42 sample of {test.Count}), {reviews.Count(r => r.Label == 1)} positive; max length {maxLength} (head truncation, as the pipelines do)");

        var folders = new Dictionary<OnnxQuantization, string>();
        using (var torchModel = AutoModelForSequenceClassification.FromPretrained(model))
        {
            foreach (var quantization in new[] { OnnxQuantization.None, OnnxQuantization.DynamicInt8 })
            {
                string dir = Path.Combine(work, quantization == OnnxQuantization.None ? "imdb-eval-fp32" : "imdb-eval-int8");
                var result = OnnxExporter.Export(torchModel, dir, new OnnxExportOptions { Quantization = quantization, Overwrite = true, TokenizerSource = model, ExcludeFromQuantization = exclude });
                Console.WriteLine($"export {quantization}: {result.Elapsed.TotalSeconds:F1} s, {new FileInfo(result.ModelPath).Length / 1e6:F0} MB, fp32 graph max |diff| vs TorchSharp {result.MaxAbsDifference:G2}" +
                                  (quantization == OnnxQuantization.DynamicInt8 ? $", {result.QuantizedMatMuls} Linear int8, excluded: [{string.Join(", ", exclude)}]" : ""));
                folders[quantization] = dir;
            }
            if (!args.Contains("--skip-torch"))
            {
                var sw = Stopwatch.StartNew();
                var torchPipeline = new TextClassificationPipeline(torchModel, DistilBertTokenizer.FromPretrained(model),
                    new TextClassificationPipelineOptions { MaxLength = maxLength, BatchSize = 16 });
                var torchPredictions = torchPipeline.PredictBatch(texts).Select(r => r[0].LabelId).ToArray();
                Console.WriteLine($"TorchSharp fp32 pipeline: accuracy {Accuracy(torchPredictions, reviews):P2} ({sw.Elapsed.TotalSeconds:F0} s)");
                Predictions["torch"] = torchPredictions;
            }
        }

        foreach (var (quantization, dir) in folders)
        {
            var sw = Stopwatch.StartNew();
            using var pipeline = new OnnxTextClassificationPipeline(dir, new OnnxTextClassificationPipelineOptions { MaxLength = maxLength, BatchSize = 16, IntraOpNumThreads = threads });
            var predictions = pipeline.PredictBatch(texts).Select(r => r[0].LabelId).ToArray();
            Console.WriteLine($"ORT {quantization} pipeline: accuracy {Accuracy(predictions, reviews):P2} ({sw.Elapsed.TotalSeconds:F0} s)");
            Predictions[quantization.ToString()] = predictions;
        }
        int[] fp32 = Predictions[nameof(OnnxQuantization.None)], int8 = Predictions[nameof(OnnxQuantization.DynamicInt8)];
        double agreement = fp32.Zip(int8).Count(p => p.First == p.Second) / (double)fp32.Length;
        double accuracyGap = Math.Abs(Accuracy(fp32, reviews) - Accuracy(int8, reviews)) * 100;
        Console.WriteLine($"int8 vs fp32 prediction agreement {agreement:P2} (target >= 99%); accuracy gap {accuracyGap:F2} pt (target <= 0.5)");
        if (Predictions.TryGetValue("torch", out var torchPreds))
            Console.WriteLine($"ORT fp32 vs TorchSharp fp32 agreement {fp32.Zip(torchPreds).Count(p => p.First == p.Second) / (double)fp32.Length:P2}");

        // Throughput at a fixed shape, both graphs in one process, same threads.
        const int batch = 16, seq = 128;
        var random = new Random(1);
        long[] ids = Enumerable.Range(0, batch * seq).Select(_ => (long)random.Next(1000, 30000)).ToArray();
        long[] mask = Enumerable.Repeat(1L, batch * seq).ToArray();
        var seconds = new Dictionary<OnnxQuantization, double>();
        foreach (var (quantization, dir) in folders)
        {
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = threads, InterOpNumThreads = 1 };
            using var session = new InferenceSession(Path.Combine(dir, OnnxExporter.ModelFileName), options);
            seconds[quantization] = BenchTiming.Median(() => BenchTiming.OrtForward(session, ids, mask, batch, seq), reps);
        }
        double t32 = seconds[OnnxQuantization.None], t8 = seconds[OnnxQuantization.DynamicInt8];
        Console.WriteLine($"(16,128) forward: ORT fp32 {batch * seq / t32:F0} tok/s, ORT int8 {batch * seq / t8:F0} tok/s; int8/fp32 {t32 / t8:F2}x (target >= 1.8); load average {MachineInfo.LoadAverage()}");
        return 0;
    }

    private static readonly Dictionary<string, int[]> Predictions = [];

    private static double Accuracy(int[] predictions, IReadOnlyList<LabeledText> reviews) =>
        predictions.Zip(reviews).Count(p => p.First == p.Second.Label) / (double)reviews.Count;

}
