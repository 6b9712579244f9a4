using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace DistilBert.Sharp.Onnx.Tests;

/// <summary>Dynamic int8: ORT's quantize_dynamic pattern on every Linear, per-channel symmetric weights, fp32 elsewhere.</summary>
[Collection(TorchRngCollection.Name)]
public class QuantizationTests
{
    [Fact]
    public void Every_linear_becomes_the_dynamic_int8_pattern_and_nothing_else_changes()
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Create(nameof(DistilBertForSequenceClassification));
        var fp32 = OnnxExporter.Export(model, dir.Combine("fp32"));
        var int8 = OnnxExporter.Export(model, dir.Combine("int8"), new OnnxExportOptions { Quantization = OnnxQuantization.DynamicInt8 });
        var before = ModelProto.Parser.ParseFrom(File.ReadAllBytes(fp32.ModelPath)).Graph;
        var after = ModelProto.Parser.ParseFrom(File.ReadAllBytes(int8.ModelPath)).Graph;

        // 2 layers × 6 Linear + pre_classifier + classifier; the two attention products (activation × activation) stay fp32.
        Assert.Equal(14, int8.QuantizedMatMuls);
        Assert.Equal(14, after.Node.Count(n => n.OpType == "MatMulInteger"));
        Assert.Equal(4, after.Node.Count(n => n.OpType == "MatMul"));
        // q, k and v read the same input: one DynamicQuantizeLinear serves all three (as quantize_dynamic does).
        Assert.Equal(14 - 2 * 2, after.Node.Count(n => n.OpType == "DynamicQuantizeLinear"));
        Assert.All(after.Initializer.Where(t => t.Name.EndsWith(".T_quantized", StringComparison.Ordinal)),
            t => Assert.Equal((int)TensorProto.Types.DataType.Int8, t.DataType));
        Assert.DoesNotContain(after.Initializer, t => t.Name.EndsWith(".weight.T", StringComparison.Ordinal));
        // Embeddings, LayerNorm parameters and biases are untouched float32.
        foreach (var t in before.Initializer.Where(t => !t.Name.EndsWith(".weight.T", StringComparison.Ordinal)))
            Assert.Equal(t.RawData, after.Initializer.Single(a => a.Name == t.Name).RawData);
        Assert.Equal(before.Node.Count(n => n.OpType == "LayerNormalization"), after.Node.Count(n => n.OpType == "LayerNormalization"));
    }

    [Fact]
    public void Weights_are_symmetric_per_output_channel_with_scale_max_abs_over_127()
    {
        // W is [in = 3, out = 2]: column 0 spans ±2.54, column 1 ±0.127; hand-computed scales 0.02 and 0.001.
        var builder = new GraphBuilder();
        builder.Initializer("w", [2.54f, 0.127f, -1.27f, -0.0005f, 0.01f, 0.0635f], 3, 2);
        var (q, scale, zero) = DynamicInt8Quantizer.QuantizeWeight(builder.Graph.Initializer[0]);
        float[] scales = new float[2];
        scale.RawData.Span.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(scales.AsSpan()));
        Assert.Equal(0.02f, scales[0], 6);
        Assert.Equal(0.001f, scales[1], 6);
        sbyte[] values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(q.RawData.Span).ToArray();
        Assert.Equal(new sbyte[] { 127, 127, -64, 0, 0, 64 }, values); // -0.5 rounds to even (0), 63.5 → 64
        Assert.All(zero.RawData.ToByteArray(), b => Assert.Equal(0, b));
        Assert.Equal([2L], scale.Dims);
    }

    [Fact]
    public void Int8_graph_tracks_fp32_logits_closely_in_onnx_runtime()
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Create(nameof(BertForSequenceClassification));
        var fp32 = OnnxExporter.Export(model, dir.Combine("fp32"));
        var int8 = OnnxExporter.Export(model, dir.Combine("int8"), new OnnxExportOptions { Quantization = OnnxQuantization.DynamicInt8 });
        var rows = TinyModels.Rows(5, 17, 3, 9, 12, 16, 8, 11, 14);
        using var a = new InferenceSession(fp32.ModelPath);
        using var b = new InferenceSession(int8.ModelPath);
        var expected = OnnxEncoderRunner.Run(a, rows, 0)["logits"].Data;
        var actual = OnnxEncoderRunner.Run(b, rows, 0)["logits"].Data;
        double spread = expected.Max() - expected.Min();
        double diff = OnnxParity.MaxAbsDiff(expected, actual);
        // Quantization error is small against the spread of the logits, and not zero (the graph really is int8).
        Assert.InRange(diff, 1e-7, 0.1 * Math.Max(spread, 1e-3));
        Assert.True(new FileInfo(int8.ModelPath).Length < new FileInfo(fp32.ModelPath).Length);
    }
}
