using Microsoft.Extensions.AI;

namespace DistilBert.Sharp.Inference.Embeddings;

/// <summary>Shared by the embedding generators: option checks and the conversion to Microsoft.Extensions.AI types.</summary>
internal static class EmbeddingResults
{
    public const string ProviderName = "DistilBert.Sharp";

    public static void CheckDimensions(EmbeddingGenerationOptions? options, int dimension)
    {
        if (options?.Dimensions is int requested && requested != dimension)
            throw new NotSupportedException($"The model produces {dimension}-dimensional vectors; {requested} dimensions were requested.");
    }

    public static GeneratedEmbeddings<Embedding<float>> ToGenerated(IReadOnlyList<float[]> vectors, string? modelId)
    {
        var created = DateTimeOffset.UtcNow;
        return new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = modelId, CreatedAt = created }));
    }
}
