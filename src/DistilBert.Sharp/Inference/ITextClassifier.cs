namespace DistilBert.Sharp.Inference;

/// <summary>
/// Anything that classifies a batch of texts: the TorchSharp <see cref="TextClassificationPipeline"/>, the ONNX Runtime
/// pipeline of <c>DistilBert.Sharp.Onnx</c>, or a test double. The batching service and the server depend on this, so
/// they serve either engine unchanged.
/// </summary>
/// <remarks>Implementations need not be thread-safe: a caller that shares one across threads serialises the calls.</remarks>
public interface ITextClassifier
{
    /// <summary>Classifies many texts; the i-th result belongs to the i-th text, labels best first.</summary>
    /// <param name="texts">The texts (none null).</param>
    /// <param name="progress">Receives the number of texts done after each batch.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    IReadOnlyList<IReadOnlyList<ClassificationResult>> PredictBatch(IReadOnlyList<string> texts,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default);
}
