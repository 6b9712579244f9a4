using System.CommandLine;
using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Onnx;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Cli;

/// <summary>The <c>distilbert-sharp</c> commands. Thin: parse, call the libraries, print.</summary>
internal static class CliCommands
{
    public static RootCommand Build()
    {
        var root = new RootCommand("DistilBert.Sharp: export models to ONNX and classify texts with a TorchSharp or ONNX model folder.");
        root.Subcommands.Add(ExportOnnx());
        root.Subcommands.Add(Predict());
        return root;
    }

    private static Command ExportOnnx()
    {
        var modelDir = new Argument<string>("model-dir") { Description = "A model folder (config.json + model.safetensors + tokenizer files), as SavePretrained writes it." };
        var outputDir = new Argument<string>("output-dir") { Description = "The folder to write (model.onnx, config.json, tokenizer files)." };
        var quantize = new Option<string?>("--quantize") { Description = "int8: dynamic int8 quantization of every Linear layer (weights per channel)." };
        quantize.AcceptOnlyFromAmong("int8");
        var opset = new Option<int>("--opset") { Description = $"ONNX opset ({OnnxExportOptions.MinimumOpset}-{OnnxExportOptions.MaximumOpset}).", DefaultValueFactory = _ => OnnxExportOptions.MinimumOpset };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the output folder if it exists." };
        var exclude = new Option<string[]>("--exclude")
        {
            Description = "With --quantize int8: Linear modules to keep fp32, e.g. --exclude layer.0.ffn.lin2 classifier (ORT's nodes_to_exclude).",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("export-onnx", "Exports a model folder to ONNX (optimum's layout and names).") { modelDir, outputDir, quantize, opset, overwrite, exclude };
        command.SetAction(parsed => Guarded(() =>
        {
            TorchRuntime.EnsureLoaded();
            string source = parsed.GetValue(modelDir)!;
            using var model = ModelFolder.LoadTorch(source);
            var result = OnnxExporter.Export(model, parsed.GetValue(outputDir)!, new OnnxExportOptions
            {
                Opset = parsed.GetValue(opset),
                Quantization = parsed.GetValue(quantize) == "int8" ? OnnxQuantization.DynamicInt8 : OnnxQuantization.None,
                Overwrite = parsed.GetValue(overwrite),
                TokenizerSource = source,
                ExcludeFromQuantization = parsed.GetValue(exclude) ?? [],
            });
            Console.WriteLine($"exported {model.GetType().Name} to {result.ModelPath} (opset {result.Opset}, {(result.Quantization == OnnxQuantization.DynamicInt8 ? $"dynamic int8, {result.QuantizedMatMuls} Linear layers" : "fp32")}) " +
                              $"in {result.Elapsed.TotalSeconds:F1} s; fp32 graph vs TorchSharp max |diff| {result.MaxAbsDifference:G3}");
        }));
        return command;
    }

    private static Command Predict()
    {
        var modelDir = new Argument<string>("model-dir") { Description = "A TorchSharp model folder or an exported ONNX folder (one with model.onnx)." };
        var texts = new Argument<string[]>("text") { Description = "The texts to classify.", Arity = ArgumentArity.OneOrMore };
        var topK = new Option<int>("--top-k") { Description = "Labels to print per text.", DefaultValueFactory = _ => 1 };
        var command = new Command("predict", "Classifies texts with a sequence-classification model (ONNX Runtime when the folder has model.onnx, else TorchSharp).") { modelDir, texts, topK };
        command.SetAction(parsed => Guarded(() =>
        {
            string dir = parsed.GetValue(modelDir)!;
            string[] inputs = parsed.GetValue(texts)!;
            int k = parsed.GetValue(topK);
            IReadOnlyList<IReadOnlyList<ClassificationResult>> results;
            string engine;
            if (File.Exists(Path.Combine(dir, OnnxExporter.ModelFileName)))
            {
                // ONNX Runtime only: this path never loads libtorch.
                using var onnx = new OnnxTextClassificationPipeline(dir, new OnnxTextClassificationPipelineOptions { TopK = k });
                results = onnx.PredictBatch(inputs);
                engine = "onnxruntime";
            }
            else
            {
                TorchRuntime.EnsureLoaded();
                using var model = AutoModelForSequenceClassification.FromPretrained(dir);
                var pipeline = new TextClassificationPipeline(model, DistilBertTokenizer.FromPretrained(dir), new TextClassificationPipelineOptions { TopK = k });
                results = pipeline.PredictBatch(inputs);
                engine = "torchsharp";
            }
            for (int i = 0; i < inputs.Length; i++)
                Console.WriteLine($"[{engine}] {string.Join(", ", results[i].Select(r => $"{r.Label} {r.Score:F4}"))}\t{inputs[i]}");
        }));
        return command;
    }

    /// <summary>0 on success; 1 with one clear line for an error the user can fix (a path, a file, an option).</summary>
    private static int Guarded(Action work)
    {
        try
        {
            work();
            return 0;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or NotSupportedException or ArgumentException
                                       or InvalidOperationException or UnauthorizedAccessException or OnnxExportValidationException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }
}
