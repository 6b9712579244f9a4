using Microsoft.ML.OnnxRuntime;

namespace DistilBert.Sharp.Onnx;

/// <summary>
/// Runs an encoder graph on a right-padded int64 batch and returns every float output by name. The one place that
/// builds ORT inputs, so the pipeline, the export validator and the tests feed the graph the same way.
/// </summary>
internal static class OnnxEncoderRunner
{
    /// <summary>Pads <paramref name="rows"/> to the longest with <paramref name="padId"/> and runs the session.</summary>
    public static Dictionary<string, (float[] Data, long[] Shape)> Run(InferenceSession session, IReadOnlyList<int[]> rows, int padId,
        IReadOnlyList<int[]>? tokenTypes = null)
    {
        var (ids, mask, types, batch, seq) = PaddedBatch.From(rows, padId, tokenTypes);
        return Run(session, ids, mask, types, batch, seq);
    }

    /// <summary>Runs the session on flat [batch, seq] inputs (token types are fed only when the graph has that input).</summary>
    public static Dictionary<string, (float[] Data, long[] Shape)> Run(InferenceSession session, long[] ids, long[] mask, long[] types, int batch, int seq)
    {
        long[] shape = [batch, seq];
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (string name in session.InputNames)
            {
                long[] data = name switch
                {
                    "input_ids" => ids,
                    "attention_mask" => mask,
                    "token_type_ids" => types,
                    _ => throw new InvalidOperationException($"The ONNX graph has an input '{name}' this library does not feed (it feeds input_ids, attention_mask, token_type_ids)."),
                };
                names.Add(name);
                values.Add(OrtValue.CreateTensorValueFromMemory(data, shape));
            }
            using var runOptions = new RunOptions();
            var outputNames = session.OutputNames;
            using var outputs = session.Run(runOptions, names, values, outputNames);
            var result = new Dictionary<string, (float[], long[])>();
            for (int i = 0; i < outputNames.Count; i++)
            {
                var info = outputs[i].GetTensorTypeAndShape();
                result[outputNames[i]] = (outputs[i].GetTensorDataAsSpan<float>().ToArray(), info.Shape);
            }
            return result;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }
}
