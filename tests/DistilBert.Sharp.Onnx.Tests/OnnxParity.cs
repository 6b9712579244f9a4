using DistilBert.Sharp.Modeling;
using Microsoft.ML.OnnxRuntime;

namespace DistilBert.Sharp.Onnx.Tests;

/// <summary>Runs a model in TorchSharp and its exported graph in ONNX Runtime on the same rows; returns the worst difference per output.</summary>
internal static class OnnxParity
{
    public static Dictionary<string, double> Compare(PreTrainedModel model, string onnxPath, IReadOnlyList<int[]> rows,
        IReadOnlyList<int[]>? tokenTypes = null, int padId = 0)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(onnxPath, options);
        var onnx = OnnxEncoderRunner.Run(session, rows, padId, tokenTypes);
        var torch = TorchForward.Run(model, rows, padId, tokenTypes);
        var result = new Dictionary<string, double>();
        foreach (var (name, (expected, expectedShape)) in torch)
        {
            Assert.True(onnx.ContainsKey(name), $"the graph lacks output '{name}'");
            var (actual, actualShape) = onnx[name];
            Assert.Equal(expectedShape, actualShape);
            result[name] = MaxAbsDiff(expected, actual);
        }
        Assert.NotEmpty(result);
        return result;
    }

    public static double MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = Math.Abs((double)a[i] - b[i]);
            if (double.IsNaN(d)) return double.PositiveInfinity;
            worst = Math.Max(worst, d);
        }
        return worst;
    }

    /// <summary>Eight rows of different lengths made from <paramref name="rows"/> (cycled, each cut shorter), so the batch is padded.</summary>
    public static (int[][] Rows, int[][]? Types) BatchOfEight(IReadOnlyList<int[]> rows, IReadOnlyList<int[]>? types)
    {
        var outRows = new int[8][];
        var outTypes = types is null ? null : new int[8][];
        for (int i = 0; i < 8; i++)
        {
            int source = i % rows.Count;
            int length = Math.Max(2, rows[source].Length - i);
            outRows[i] = rows[source][..length];
            if (outTypes is not null) outTypes[i] = types![source][..length];
        }
        return (outRows, outTypes);
    }
}
