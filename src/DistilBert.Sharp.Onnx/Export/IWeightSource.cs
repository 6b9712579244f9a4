namespace DistilBert.Sharp.Onnx;

/// <summary>Float32 weights by HF state-dict key, as the graph writer needs them.</summary>
internal interface IWeightSource
{
    /// <summary>Whether the key exists.</summary>
    bool Contains(string key);

    /// <summary>The tensor's values (row-major) and shape; <paramref name="transpose"/> swaps the two axes of a matrix.</summary>
    (float[] Data, long[] Shape) Get(string key, bool transpose = false);
}
