using DistilBert.Sharp.Modeling;
using Microsoft.ML.OnnxRuntime;

namespace DistilBert.Sharp.Onnx;

/// <summary>
/// optimum's export check: runs the fresh graph in ONNX Runtime and the TorchSharp model on the same padded batch and
/// compares every output with an absolute tolerance.
/// </summary>
internal static class OnnxExportValidator
{
    /// <summary>Returns the largest absolute difference over all outputs.</summary>
    /// <exception cref="OnnxExportValidationException">An output differs by more than <paramref name="tolerance"/> or has the wrong shape.</exception>
    public static double Validate(PreTrainedModel model, OnnxModelDescription description, byte[] graph, double tolerance, int vocabSize)
    {
        var rows = Rows(vocabSize);
        var onnx = RunGraph(graph, rows);
        var torchOutputs = TorchForward.Run(model, rows, padId: 0);
        double worst = 0;
        foreach (var spec in description.Outputs)
        {
            var (expected, expectedShape) = torchOutputs[spec.Name];
            var (actual, actualShape) = onnx[spec.Name];
            if (!expectedShape.SequenceEqual(actualShape))
                throw new OnnxExportValidationException(
                    $"ONNX output '{spec.Name}' has shape [{string.Join(", ", actualShape)}]; the model gives [{string.Join(", ", expectedShape)}].");
            double diff = 0;
            for (int i = 0; i < expected.Length; i++) diff = Math.Max(diff, Math.Abs(expected[i] - actual[i]));
            if (!(diff <= tolerance))
                throw new OnnxExportValidationException(
                    $"ONNX output '{spec.Name}' differs from the TorchSharp model by {diff:G3} (tolerance {tolerance:G3}).");
            worst = Math.Max(worst, diff);
        }
        return worst;
    }

    /// <summary>A quantized graph has no exact reference: check that ORT loads and runs it, with the declared outputs, all finite.</summary>
    /// <exception cref="OnnxExportValidationException">An output is missing, misshapen or not finite.</exception>
    public static void CheckRuns(OnnxModelDescription description, byte[] graph, int vocabSize)
    {
        var rows = Rows(vocabSize);
        var outputs = RunGraph(graph, rows);
        foreach (var spec in description.Outputs)
        {
            if (!outputs.TryGetValue(spec.Name, out var output) || output.Shape[0] != rows.Length)
                throw new OnnxExportValidationException($"The quantized graph does not produce output '{spec.Name}' for a batch of {rows.Length}.");
            if (!output.Data.All(float.IsFinite))
                throw new OnnxExportValidationException($"The quantized graph's output '{spec.Name}' holds NaN or infinite values.");
        }
    }

    /// <summary>Two rows, the second padded: exercises the mask path as well as the dense one.</summary>
    private static int[][] Rows(int vocabSize)
    {
        var random = new Random(1234);
        return [Enumerable.Range(0, 12).Select(_ => random.Next(1, vocabSize)).ToArray(), Enumerable.Range(0, 7).Select(_ => random.Next(1, vocabSize)).ToArray()];
    }

    private static Dictionary<string, (float[] Data, long[] Shape)> RunGraph(byte[] graph, int[][] rows)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(graph, options);
        return OnnxEncoderRunner.Run(session, rows, padId: 0);
    }
}
