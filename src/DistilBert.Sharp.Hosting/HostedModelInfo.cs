using DistilBert.Sharp.Inference.Embeddings;
using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Hosting;

/// <summary>What a server needs to know about a hosted model beyond its results: its id, limits and tokenizer.</summary>
public abstract class HostedModelInfo
{
    private protected HostedModelInfo(string modelPath, DistilBertTokenizer tokenizer, int maxInputLength, int maxBatchSize)
    {
        ModelPath = modelPath;
        ModelId = Path.GetFileName(Path.TrimEndingDirectorySeparator(modelPath));
        Tokenizer = tokenizer;
        MaxInputLength = maxInputLength;
        MaxBatchSize = maxBatchSize;
    }

    /// <summary>The configured folder or Hub id.</summary>
    public string ModelPath { get; }

    /// <summary>A short id (the folder name or the Hub id's last part), safe to show to clients.</summary>
    public string ModelId { get; }

    /// <summary>The model's tokenizer (thread-safe), e.g. to check input lengths.</summary>
    public DistilBertTokenizer Tokenizer { get; }

    /// <summary>Token limit per text including [CLS]/[SEP]; longer texts are truncated.</summary>
    public int MaxInputLength { get; }

    /// <summary>Most requests per model call.</summary>
    public int MaxBatchSize { get; }
}

/// <summary>The hosted text classifier's model information.</summary>
public sealed class TextClassifierInfo : HostedModelInfo
{
    internal TextClassifierInfo(string modelPath, DistilBertTokenizer tokenizer, int maxInputLength, int maxBatchSize,
        IReadOnlyDictionary<int, string> labels)
        : base(modelPath, tokenizer, maxInputLength, maxBatchSize) => Labels = labels;

    /// <summary>The model's <c>id2label</c>.</summary>
    public IReadOnlyDictionary<int, string> Labels { get; }
}

/// <summary>The hosted embedding model's information.</summary>
public sealed class SentenceEmbeddingsInfo : HostedModelInfo
{
    internal SentenceEmbeddingsInfo(string modelPath, SentenceEmbeddingPipeline pipeline, int maxBatchSize)
        : base(modelPath, pipeline.Tokenizer, pipeline.MaxLength, maxBatchSize)
    {
        Pooling = pipeline.Pooling;
        Normalize = pipeline.Normalize;
        Dimension = pipeline.Dimension;
    }

    /// <summary>The pooling in use.</summary>
    public PoolingMode Pooling { get; }

    /// <summary>Whether the model's vectors are L2-normalised.</summary>
    public bool Normalize { get; }

    /// <summary>Vector length.</summary>
    public int Dimension { get; }
}
