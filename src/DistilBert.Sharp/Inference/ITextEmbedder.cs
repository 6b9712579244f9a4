namespace DistilBert.Sharp.Inference;

/// <summary>
/// Anything that turns a batch of texts into fixed-size vectors: the TorchSharp
/// <see cref="Embeddings.SentenceEmbeddingPipeline"/>, an ONNX Runtime engine, or a test double. The batching
/// generator and the server depend on this, so they serve either engine unchanged.
/// </summary>
/// <remarks>Implementations need not be thread-safe: a caller that shares one across threads serialises the calls.</remarks>
public interface ITextEmbedder
{
    /// <summary>Length of every vector.</summary>
    int Dimension { get; }

    /// <summary>Embeds many texts; the i-th vector belongs to the i-th text.</summary>
    /// <param name="texts">The texts (none null).</param>
    /// <param name="cancellationToken">Stops between forward passes.</param>
    IReadOnlyList<float[]> EmbedBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
