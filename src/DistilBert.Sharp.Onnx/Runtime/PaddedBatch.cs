namespace DistilBert.Sharp.Onnx;

/// <summary>
/// Token rows right-padded into flat int64 [batch, seq] arrays: ids (padding = the pad id), attention mask (1 = real
/// token) and token types (0 on padding). The exporter's TorchSharp reference forward and the ONNX Runtime runner both
/// build their inputs here, so validation compares the two engines on byte-identical inputs.
/// </summary>
internal sealed record PaddedBatch(long[] Ids, long[] Mask, long[] Types, int Batch, int Seq)
{
    public static PaddedBatch From(IReadOnlyList<int[]> rows, int padId, IReadOnlyList<int[]>? tokenTypes = null)
    {
        int batch = rows.Count, seq = rows.Max(r => r.Length);
        var ids = new long[batch * seq];
        var mask = new long[batch * seq];
        var types = new long[batch * seq];
        for (int b = 0; b < batch; b++)
        {
            for (int s = 0; s < seq; s++)
            {
                bool real = s < rows[b].Length;
                ids[b * seq + s] = real ? rows[b][s] : padId;
                mask[b * seq + s] = real ? 1 : 0;
                types[b * seq + s] = real && tokenTypes is not null ? tokenTypes[b][s] : 0;
            }
        }
        return new PaddedBatch(ids, mask, types, batch, seq);
    }
}
