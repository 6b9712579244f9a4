using System.Diagnostics;
using DistilBert.Sharp.IO;
using DistilBert.Sharp.Modeling;
using Google.Protobuf;

namespace DistilBert.Sharp.Onnx;

/// <summary>What <see cref="OnnxExporter.Export"/> wrote.</summary>
/// <param name="Directory">The model folder (model.onnx, config.json and tokenizer files when given).</param>
/// <param name="ModelPath">The graph file.</param>
/// <param name="Opset">The ONNX opset of the graph.</param>
/// <param name="Quantization">Float32 or dynamic int8.</param>
/// <param name="MaxAbsDifference">The float32 graph's largest difference from the TorchSharp model in validation (null when not validated).</param>
/// <param name="QuantizedMatMuls">How many Linear layers became int8 (0 for float32).</param>
/// <param name="Elapsed">Wall time of the export.</param>
public sealed record OnnxExportResult(string Directory, string ModelPath, int Opset, OnnxQuantization Quantization,
    double? MaxAbsDifference, int QuantizedMatMuls, TimeSpan Elapsed);

/// <summary>
/// Exports a DistilBert.Sharp model to ONNX (what <c>optimum-cli export onnx</c> does for HF models), without Python:
/// a folder with <c>model.onnx</c>, <c>config.json</c> and the tokenizer files, loadable by ONNX Runtime, optimum and
/// this package's <see cref="OnnxTextClassificationPipeline"/>.
/// </summary>
/// <remarks>
/// The graph takes int64 <c>input_ids</c>, <c>attention_mask</c> (and <c>token_type_ids</c> for BERT), each
/// [batch_size, sequence_length] with both axes dynamic, and returns optimum's outputs: <c>last_hidden_state</c>
/// (plus <c>pooler_output</c> for <see cref="BertModel"/>), <c>logits</c>, or <c>start_logits</c>/<c>end_logits</c>.
/// Only standard ONNX operators are used, at opset 17 or later; the weights are initializers in the file (a graph is
/// limited to 2 GB, ample for the BERT family up to bert-large).
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The graph's file name inside the folder (optimum's name).</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>The classes the exporter supports.</summary>
    public static IReadOnlyList<string> SupportedModelClasses => OnnxModelDescriptions.SupportedClasses;

    /// <summary>Exports <paramref name="model"/> into <paramref name="outputDirectory"/>.</summary>
    /// <exception cref="NotSupportedException">The model's class has no ONNX description (the message lists those that do).</exception>
    /// <exception cref="InvalidOperationException">A parameter is not on the CPU.</exception>
    /// <exception cref="IOException">The folder exists and <see cref="OnnxExportOptions.Overwrite"/> is false.</exception>
    /// <exception cref="OnnxExportValidationException">The graph does not match the model within the tolerance; nothing is written.</exception>
    public static OnnxExportResult Export(PreTrainedModel model, string outputDirectory, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        options ??= new OnnxExportOptions();
        if (options.Opset is < OnnxExportOptions.MinimumOpset or > OnnxExportOptions.MaximumOpset)
            throw new ArgumentOutOfRangeException(nameof(options), options.Opset,
                $"Opset must lie in [{OnnxExportOptions.MinimumOpset}, {OnnxExportOptions.MaximumOpset}].");
        if (options.TokenizerSource is { } source && !Directory.Exists(source))
            throw new DirectoryNotFoundException($"Tokenizer source folder '{source}' does not exist.");
        var clock = Stopwatch.StartNew();
        var description = OnnxModelDescriptions.For(model);
        var weights = new ModuleWeights(model);
        string target = Path.GetFullPath(outputDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        // A swap cut between its renames is restored (and stale staging folders dropped) before deciding what exists.
        AtomicDirectory.Recover(target);
        if (File.Exists(target))
            throw new IOException($"ONNX export target '{target}' is a file; give a folder path.");
        if (Directory.Exists(target) && !options.Overwrite)
            throw new IOException($"ONNX export target '{target}' already exists; pass Overwrite = true (--overwrite) to replace it.");

        var graph = new GraphBuilder();
        EncoderGraphWriter.Write(graph, weights, description);
        var metadata = new Dictionary<string, string>
        {
            ["model_type"] = description.ModelType,
            ["task"] = description.Task,
            ["quantization"] = options.Quantization == OnnxQuantization.DynamicInt8 ? "dynamic-int8" : "none",
        };
        var proto = graph.Build(options.Opset, metadata);
        byte[] bytes = ToBytes(proto);
        double? difference = null;
        if (options.Validate)
            difference = OnnxExportValidator.Validate(model, description, bytes, options.ValidationTolerance, VocabSize(model));
        int quantized = 0;
        if (options.Quantization == OnnxQuantization.DynamicInt8)
        {
            quantized = DynamicInt8Quantizer.Quantize(proto.Graph, options.ExcludeFromQuantization);
            bytes = ToBytes(proto);
            if (options.Validate) OnnxExportValidator.CheckRuns(description, bytes, VocabSize(model));
        }

        // All-old or all-new after a kill at any moment: written beside the target, then swapped into place (the
        // protocol SavePretrained uses).
        AtomicDirectory.Replace(target, staging =>
        {
            File.WriteAllBytes(Path.Combine(staging, ModelFileName), bytes);
            model.Config.Save(Path.Combine(staging, "config.json"));
            if (options.Tokenizer is { } tokenizer) tokenizer.SavePretrained(staging);
            else if (options.TokenizerSource is { } from) CopyTokenizerFiles(from, staging);
        }, carry: _ => false); // the folder is replaced whole: no stale file of an earlier export survives beside the new graph
        return new OnnxExportResult(target, Path.Combine(target, ModelFileName), options.Opset, options.Quantization, difference, quantized, clock.Elapsed);
    }

    private static byte[] ToBytes(global::Onnx.ModelProto proto)
    {
        long size = proto.CalculateSize();
        if (size >= int.MaxValue)
            throw new NotSupportedException($"The graph would be {size:N0} bytes; a single ONNX protobuf file is limited to 2 GB.");
        return proto.ToByteArray();
    }

    private static int VocabSize(PreTrainedModel model) => model.Config switch
    {
        DistilBertConfig c => c.VocabSize,
        BertConfig c => c.VocabSize,
        _ => 2,
    };

    private static readonly string[] TokenizerFileNames =
        ["vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.json"];

    private static void CopyTokenizerFiles(string from, string to)
    {
        int copied = 0;
        foreach (string name in TokenizerFileNames)
        {
            string path = Path.Combine(from, name);
            if (!File.Exists(path)) continue;
            File.Copy(path, Path.Combine(to, name));
            copied++;
        }
        if (copied == 0)
            throw new FileNotFoundException($"Tokenizer source folder '{from}' holds none of: {string.Join(", ", TokenizerFileNames)}.", from);
    }
}
