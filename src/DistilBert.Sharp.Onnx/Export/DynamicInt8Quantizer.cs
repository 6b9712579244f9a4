using Onnx;
using static DistilBert.Sharp.Onnx.GraphBuilder;

namespace DistilBert.Sharp.Onnx;

/// <summary>
/// Rewrites every <c>MatMul</c> by a float weight initializer (each Linear layer) into ONNX Runtime's dynamic int8
/// pattern, the one <c>quantize_dynamic</c> emits:
/// <c>DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q, x_zp, W_zp) → Cast(float) → Mul(x_scale · W_scale)</c>.
/// Weights are int8, symmetric (zero point 0, range ±127 as <c>quantize_dynamic</c>'s symmetric int8), one scale per
/// output channel; activations are uint8 with a per-tensor scale and zero point computed at run time. ORT's graph
/// optimizer fuses the pattern (with the bias Add) into <c>MatMulIntegerToFloat</c>. Everything else stays float32.
/// </summary>
internal static class DynamicInt8Quantizer
{
    /// <summary>Quantizes <paramref name="graph"/> in place; returns the number of MatMul nodes rewritten.</summary>
    /// <param name="graph">The float32 graph.</param>
    /// <param name="exclude">Linear modules to keep float32 (see <see cref="Excludes"/>).</param>
    public static int Quantize(GraphProto graph, IReadOnlyCollection<string>? exclude = null)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var quantizedInputs = new Dictionary<string, (string Q, string Scale, string ZeroPoint)>();
        var nodes = graph.Node.ToList();
        graph.Node.Clear();
        int rewritten = 0;
        foreach (var node in nodes)
        {
            if (node.OpType != "MatMul" || !initializers.TryGetValue(node.Input[1], out var weight) || weight.Dims.Count != 2
                || weight.DataType != (int)TensorProto.Types.DataType.Float || Excludes(weight.Name, exclude))
            {
                graph.Node.Add(node);
                continue;
            }
            string x = node.Input[0], output = node.Output[0];
            if (!quantizedInputs.TryGetValue(x, out var xq))
            {
                xq = (x + "_quantized", x + "_scale", x + "_zero_point");
                graph.Node.Add(NewNode("DynamicQuantizeLinear", [x], [xq.Q, xq.Scale, xq.ZeroPoint]));
                quantizedInputs[x] = xq;
            }
            var (wq, wScale, wZero) = QuantizeWeight(weight);
            graph.Initializer.Remove(weight);
            graph.Initializer.Add(wq);
            graph.Initializer.Add(wScale);
            graph.Initializer.Add(wZero);
            string integer = output + "_output_quantized";
            string asFloat = integer + "_cast_output";
            string scale = output + "_scales_mul";
            graph.Node.Add(NewNode("MatMulInteger", [xq.Q, wq.Name, xq.ZeroPoint, wZero.Name], [integer]));
            graph.Node.Add(NewNode("Cast", [integer], [asFloat], Attr("to", (long)TensorProto.Types.DataType.Float)));
            graph.Node.Add(NewNode("Mul", [xq.Scale, wScale.Name], [scale]));
            graph.Node.Add(NewNode("Mul", [asFloat, scale], [output]));
            rewritten++;
        }
        return rewritten;
    }

    /// <summary>
    /// Whether the Linear whose transposed weight is <paramref name="initializer"/> (HF key + ".T") is excluded: an entry
    /// names the module exactly or its last dotted components ("ffn.lin2" matches every layer's lin2).
    /// </summary>
    internal static bool Excludes(string initializer, IReadOnlyCollection<string>? exclude)
    {
        if (exclude is null || exclude.Count == 0) return false;
        string module = initializer.EndsWith(".weight.T", StringComparison.Ordinal) ? initializer[..^".weight.T".Length] : initializer;
        return exclude.Any(e => module == e || module.EndsWith("." + e, StringComparison.Ordinal));
    }

    /// <summary>Symmetric per-column int8 of a [in, out] matrix: scale_n = max|W[:, n]| / 127, q = round(W / scale).</summary>
    internal static (TensorProto Quantized, TensorProto Scale, TensorProto ZeroPoint) QuantizeWeight(TensorProto weight)
    {
        int rows = (int)weight.Dims[0], cols = (int)weight.Dims[1];
        float[] w = new float[rows * cols];
        weight.RawData.Span.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(w.AsSpan()));
        var scales = new float[cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                scales[c] = Math.Max(scales[c], Math.Abs(w[r * cols + c]));
        for (int c = 0; c < cols; c++) scales[c] = scales[c] > 0 ? scales[c] / 127f : 1f;
        var q = new sbyte[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                q[r * cols + c] = (sbyte)Math.Clamp(MathF.Round(w[r * cols + c] / scales[c]), -127f, 127f);
        var builder = new GraphBuilder();
        builder.Initializer(weight.Name + "_quantized", q, rows, cols);
        builder.Initializer(weight.Name + "_scale", scales, cols);
        builder.Initializer(weight.Name + "_zero_point", new sbyte[cols], cols);
        var made = builder.Graph.Initializer;
        return (made[0], made[1], made[2]);
    }

    private static NodeProto NewNode(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = outputs[0] + "_" + op };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }
}
