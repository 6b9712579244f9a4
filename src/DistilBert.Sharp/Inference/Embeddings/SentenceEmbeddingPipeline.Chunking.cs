using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Inference.Embeddings;

public sealed partial class SentenceEmbeddingPipeline
{
    /// <summary>
    /// Cuts a long document into overlapping windows of at most <see cref="TextChunkingOptions.MaxTokens"/> tokens, on
    /// token boundaries, each with its character range in <paramref name="text"/> (what a RAG index stores beside the
    /// vector). A document that fits is one chunk. Empty or whitespace-only text gives no chunk.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">MaxTokens is not positive, exceeds <see cref="MaxLength"/> − 2, or the overlap is not smaller than it.</exception>
    public IReadOnlyList<TextChunk> Chunk(string text, TextChunkingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= new TextChunkingOptions();
        int window = options.MaxTokens ?? MaxLength - 2;
        if (window <= 0 || window > MaxLength - 2)
            throw new ArgumentOutOfRangeException(nameof(options), window, $"MaxTokens must be in [1, {MaxLength - 2}] (MaxLength minus [CLS] and [SEP]).");
        if (options.OverlapTokens < 0 || options.OverlapTokens >= window)
            throw new ArgumentOutOfRangeException(nameof(options), options.OverlapTokens, $"OverlapTokens must be in [0, {window - 1}].");

        // Lower-casing never changes a string's length, so offsets into the lowered text are offsets into the source.
        string tokenized = DoLowerCase ? text.ToLowerInvariant() : text;
        var encoded = Tokenizer.Encode(tokenized, new EncodeOptions { AddSpecialTokens = false, ReturnOffsets = true });
        int[] ids = encoded.InputIds[0];
        var offsets = encoded.Offsets![0];
        var chunks = new List<TextChunk>();
        int stride = window - options.OverlapTokens;
        for (int first = 0; first < ids.Length; first += stride)
        {
            int last = Math.Min(first + window, ids.Length) - 1;
            int start = offsets[first].Start, end = offsets[last].End;
            chunks.Add(new TextChunk(chunks.Count, start, end, text[start..end], ids[first..(last + 1)]));
            if (last == ids.Length - 1) break;
        }
        return chunks;
    }

    /// <summary>Chunks <paramref name="text"/> (see <see cref="Chunk"/>) and embeds every chunk from its token ids.</summary>
    public IReadOnlyList<EmbeddedChunk> EmbedChunks(string text, TextChunkingOptions? options = null, CancellationToken cancellationToken = default)
    {
        var chunks = Chunk(text, options);
        var rows = chunks.Select(c => (int[])[Tokenizer.ClsTokenId, .. c.TokenIds, Tokenizer.SepTokenId]).ToList();
        var vectors = EmbedTokenIds(rows, cancellationToken);
        return chunks.Select((c, i) => new EmbeddedChunk(c, vectors[i])).ToList();
    }
}
