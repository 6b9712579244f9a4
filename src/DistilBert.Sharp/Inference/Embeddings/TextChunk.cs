namespace DistilBert.Sharp.Inference.Embeddings;

/// <summary>One window of a long document, cut on token boundaries (see <see cref="SentenceEmbeddingPipeline.Chunk"/>).</summary>
/// <param name="Index">Position of the chunk in the document, from 0.</param>
/// <param name="Start">Index of the chunk's first UTF-16 char in the source text.</param>
/// <param name="End">Index one past the chunk's last char in the source text: <c>source[Start..End]</c> is the chunk.</param>
/// <param name="Text">The chunk's text, <c>source[Start..End]</c>.</param>
/// <param name="TokenIds">The chunk's token ids, without [CLS]/[SEP] (what the model embeds, with those added).</param>
public sealed record TextChunk(int Index, int Start, int End, string Text, int[] TokenIds);

/// <summary>A chunk and its vector.</summary>
/// <param name="Chunk">Where the chunk is in the source.</param>
/// <param name="Vector">Its embedding.</param>
public sealed record EmbeddedChunk(TextChunk Chunk, float[] Vector);

/// <summary>How <see cref="SentenceEmbeddingPipeline.Chunk"/> cuts a document.</summary>
public sealed record TextChunkingOptions
{
    /// <summary>Tokens per chunk without [CLS]/[SEP]; null = the pipeline's max length minus 2.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Tokens shared by consecutive chunks (default 32), so a sentence cut at a boundary is whole in one of them.</summary>
    public int OverlapTokens { get; init; } = 32;
}
