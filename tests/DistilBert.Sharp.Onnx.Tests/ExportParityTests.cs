using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using Onnx;

namespace DistilBert.Sharp.Onnx.Tests;

/// <summary>
/// Every exportable class, on tiny random models built in-process (no ../shared needed): ONNX Runtime on the exported
/// float32 graph reproduces the TorchSharp forward within 1e-4, at batch 1 and at batch 8 with padding.
/// </summary>
[Collection(TorchRngCollection.Name)]
public class ExportParityTests
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Classes => new()
    {
        nameof(DistilBertModel), nameof(DistilBertForSequenceClassification), "DistilBertForSequenceClassification(relu, sinusoidal, 1 label)",
        "DistilBertForSequenceClassification(silu)", nameof(DistilBertForTokenClassification), nameof(DistilBertForQuestionAnswering),
        nameof(DistilBertForMaskedLM), nameof(BertModel), nameof(BertForSequenceClassification),
    };

    [Theory]
    [MemberData(nameof(Classes))]
    public void Onnx_runtime_matches_the_library_at_batch_1_and_8_with_padding(string name)
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Create(name);
        var result = OnnxExporter.Export(model, dir.Combine("onnx"));
        Assert.True(result.MaxAbsDifference <= Tolerance, $"built-in validation: {result.MaxAbsDifference}");

        int[][]? Types(int[][] rows) => model is BertPreTrainedModel ? rows.Select(r => r.Select((_, i) => i < r.Length / 2 ? 0 : 1).ToArray()).ToArray() : null;
        var one = TinyModels.Rows(1, 13);
        var eight = TinyModels.Rows(2, 17, 3, 9, 17, 1, 12, 5, 16);
        foreach (var rows in new[] { one, eight })
        {
            foreach (var (output, diff) in OnnxParity.Compare(model, result.ModelPath, rows, Types(rows)))
                Assert.True(diff <= Tolerance, $"{name}, batch {rows.Length}, {output}: max |ORT - TorchSharp| = {diff:G3}");
        }
    }

    [Fact]
    public void Graph_declares_optimum_inputs_outputs_dynamic_axes_and_standard_ops_at_the_opset()
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Create(nameof(BertForSequenceClassification));
        var result = OnnxExporter.Export(model, dir.Combine("onnx"), new OnnxExportOptions { Opset = 18 });
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.ModelPath));

        Assert.Equal(18, proto.OpsetImport.Single().Version);
        Assert.Equal("", proto.OpsetImport.Single().Domain);
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], proto.Graph.Input.Select(i => i.Name));
        foreach (var input in proto.Graph.Input)
        {
            Assert.Equal((int)TensorProto.Types.DataType.Int64, input.Type.TensorType.ElemType);
            Assert.Equal(["batch_size", "sequence_length"], input.Type.TensorType.Shape.Dim.Select(d => d.DimParam));
        }
        var logits = Assert.Single(proto.Graph.Output);
        Assert.Equal("logits", logits.Name);
        Assert.Equal("batch_size", logits.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(2, logits.Type.TensorType.Shape.Dim[1].DimValue);
        // One LayerNormalization per norm: embeddings + 2 per layer; exact-erf GELU once per layer.
        Assert.Equal(1 + 2 * 2, proto.Graph.Node.Count(n => n.OpType == "LayerNormalization"));
        Assert.Equal(2, proto.Graph.Node.Count(n => n.OpType == "Erf"));
        Assert.All(proto.Graph.Node, n => Assert.Equal("", n.Domain));
        // Weights are initializers: every parameter's values are in the file.
        long parameters = model.parameters().Sum(p => p.numel());
        long stored = proto.Graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float).Sum(t => t.Dims.Aggregate(1L, (a, b) => a * b));
        Assert.True(stored >= parameters, $"{stored} float values stored for {parameters} parameters");
        Assert.True(File.Exists(dir.Combine("onnx", "config.json")));
        Assert.Equal(2, BertConfig.FromFile(dir.Combine("onnx", "config.json")).NumLabels);
    }
}
