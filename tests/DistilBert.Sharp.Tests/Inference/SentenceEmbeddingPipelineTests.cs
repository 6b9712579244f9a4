using DistilBert.Sharp.Inference.Embeddings;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using TorchSharp;

namespace DistilBert.Sharp.Tests.Inference;

/// <summary>Pooling, normalisation, configuration and chunking of <see cref="SentenceEmbeddingPipeline"/> on a tiny model.</summary>
[Collection(TorchRngCollection.Name)]
public sealed class SentenceEmbeddingPipelineTests : IDisposable
{
    private const string Short = "the film was good";
    private const string Long = "the movie was awful and the plot was boring and the actor hated it a story";
    private readonly TempDirectory _temp = new();
    private readonly string _modelDir;

    public SentenceEmbeddingPipelineTests() => _modelDir = TinyImdb.WriteModel(_temp.Combine("tiny"));

    public void Dispose() => _temp.Dispose();

    /// <summary>Token vectors of one text run alone (no padding): the independent truth pooling is checked against.</summary>
    private float[,] TokenVectors(string text)
    {
        var tokenizer = TinyImdb.Tokenizer(_modelDir);
        using var model = AutoModel.FromPretrained(_modelDir);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        var inputs = tokenizer.Encode(text).ToTensors();
        var hidden = model.call(inputs).LastHiddenState![0];
        int seq = (int)hidden.shape[0], dim = (int)hidden.shape[1];
        float[] flat = hidden.data<float>().ToArray();
        var result = new float[seq, dim];
        for (int t = 0; t < seq; t++)
            for (int d = 0; d < dim; d++) result[t, d] = flat[t * dim + d];
        return result;
    }

    private static float[] Reduce(float[,] tokens, Func<IEnumerable<float>, float> reduce) =>
        Enumerable.Range(0, tokens.GetLength(1)).Select(d => reduce(Enumerable.Range(0, tokens.GetLength(0)).Select(t => tokens[t, d]))).ToArray();

    private static void AssertClose(float[] expected, float[] actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}] expected {expected[i]}, got {actual[i]}");
    }

    [Theory]
    [InlineData(PoolingMode.Mean)]
    [InlineData(PoolingMode.Max)]
    [InlineData(PoolingMode.Cls)]
    [InlineData(PoolingMode.MeanSqrtLength)]
    public void Pooling_matches_the_hand_computed_reduction_and_ignores_padding(PoolingMode mode)
    {
        var tokens = TokenVectors(Short);
        int seq = tokens.GetLength(0);
        float[] expected = mode switch
        {
            PoolingMode.Mean => Reduce(tokens, v => v.Sum() / seq),
            PoolingMode.Max => Reduce(tokens, v => v.Max()),
            PoolingMode.Cls => Reduce(tokens, v => v.First()),
            _ => Reduce(tokens, v => v.Sum() / MathF.Sqrt(seq)),
        };
        using var pipeline = SentenceEmbeddingPipeline.FromPretrained(_modelDir, new SentenceEmbeddingOptions { Pooling = mode, Normalize = false });
        AssertClose(expected, pipeline.Embed(Short));
        // In a batch with a longer text, the short one is padded: padding must change nothing.
        var batch = pipeline.EmbedBatch([Long, Short, Long]);
        AssertClose(expected, batch[1]);
        AssertClose(batch[0], batch[2], 0);
    }

    [Fact]
    public void Combined_modes_concatenate_in_sentence_transformers_order_and_normalize_gives_unit_vectors()
    {
        using var cls = SentenceEmbeddingPipeline.FromPretrained(_modelDir, new SentenceEmbeddingOptions { Pooling = PoolingMode.Cls, Normalize = false });
        using var mean = SentenceEmbeddingPipeline.FromPretrained(_modelDir, new SentenceEmbeddingOptions { Pooling = PoolingMode.Mean, Normalize = false });
        using var both = SentenceEmbeddingPipeline.FromPretrained(_modelDir, new SentenceEmbeddingOptions { Pooling = PoolingMode.Mean | PoolingMode.Cls, Normalize = false });
        Assert.Equal(64, both.Dimension);
        AssertClose([.. cls.Embed(Short), .. mean.Embed(Short)], both.Embed(Short));

        using var normalized = SentenceEmbeddingPipeline.FromPretrained(_modelDir);
        Assert.Equal(PoolingMode.Mean, normalized.Pooling);
        Assert.True(normalized.Normalize);
        float[] raw = mean.Embed(Long), unit = normalized.Embed(Long);
        double norm = Math.Sqrt(raw.Sum(x => (double)x * x));
        AssertClose(raw.Select(x => (float)(x / norm)).ToArray(), unit, 1e-6);
    }

    [Fact]
    public void Sentence_transformers_files_configure_pooling_normalisation_length_and_case()
    {
        File.WriteAllText(Path.Combine(_modelDir, "modules.json"), """
            [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
             {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
            """);
        Directory.CreateDirectory(Path.Combine(_modelDir, "1_Pooling"));
        File.WriteAllText(Path.Combine(_modelDir, "1_Pooling", "config.json"),
            """{"word_embedding_dimension": 32, "pooling_mode_cls_token": false, "pooling_mode_mean_tokens": false, "pooling_mode_max_tokens": true}""");
        File.WriteAllText(Path.Combine(_modelDir, "sentence_bert_config.json"), """{"max_seq_length": 6, "do_lower_case": true}""");
        using var pipeline = SentenceEmbeddingPipeline.FromPretrained(_modelDir);
        Assert.Equal(PoolingMode.Max, pipeline.Pooling);
        Assert.False(pipeline.Normalize);           // modules.json lists no Normalize module
        Assert.Equal(6, pipeline.MaxLength);
        Assert.True(pipeline.DoLowerCase);
        // Truncated to 6 tokens: the text's first four words decide the vector; case does not matter.
        Assert.Equal(pipeline.Embed("the film was good"), pipeline.Embed("THE Film was good and more words after"));
        // Explicit options win over the folder.
        using var explicitMean = SentenceEmbeddingPipeline.FromPretrained(_modelDir, new SentenceEmbeddingOptions { Pooling = PoolingMode.Mean, Normalize = true });
        Assert.Equal(PoolingMode.Mean, explicitMean.Pooling);

        File.WriteAllText(Path.Combine(_modelDir, "1_Pooling", "config.json"), """{"pooling_mode_lasttoken": true}""");
        var error = Assert.Throws<InvalidDataException>(() => SentenceTransformerConfig.Load(_modelDir));
        Assert.Contains("pooling_mode_lasttoken", error.Message);
        File.WriteAllText(Path.Combine(_modelDir, "sentence_bert_config.json"), """{"max_seq_length": "long"}""");
        File.Delete(Path.Combine(_modelDir, "modules.json"));
        Directory.Delete(Path.Combine(_modelDir, "1_Pooling"), true);
        error = Assert.Throws<InvalidDataException>(() => SentenceTransformerConfig.Load(_modelDir));
        Assert.Contains("max_seq_length", error.Message);
    }

    [Fact]
    public void Chunks_cut_on_token_boundaries_with_overlap_and_char_offsets_into_the_source()
    {
        using var pipeline = SentenceEmbeddingPipeline.FromPretrained(_modelDir);
        string text = "The  movie was good.\nThe plot was BORING, the actor hated it; a story and a film.";
        var tokenizer = pipeline.Tokenizer;
        int[] all = tokenizer.EncodeToIds(text, addSpecialTokens: false);
        var chunks = pipeline.Chunk(text, new TextChunkingOptions { MaxTokens = 6, OverlapTokens = 2 });
        Assert.True(chunks.Count >= 4);
        for (int i = 0; i < chunks.Count; i++)
        {
            var c = chunks[i];
            Assert.Equal(i, c.Index);
            Assert.Equal(text[c.Start..c.End], c.Text);
            Assert.Equal(all.Skip(i * 4).Take(6).ToArray(), c.TokenIds);          // stride = 6 - 2
            Assert.Equal(c.TokenIds, tokenizer.EncodeToIds(c.Text, addSpecialTokens: false)); // the span re-tokenizes to the same ids
        }
        Assert.Equal(0, chunks[0].Start);
        Assert.Equal(text.Length, chunks[^1].End);
        Assert.Equal(all.Length, (chunks.Count - 1) * 4 + chunks[^1].TokenIds.Length);

        // Each chunk's vector is the vector of its text embedded alone.
        var embedded = pipeline.EmbedChunks(text, new TextChunkingOptions { MaxTokens = 6, OverlapTokens = 2 });
        for (int i = 0; i < chunks.Count; i++) AssertClose(pipeline.Embed(chunks[i].Text), embedded[i].Vector);
        Assert.Empty(pipeline.Chunk("   "));
        Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Chunk(text, new TextChunkingOptions { MaxTokens = 6, OverlapTokens = 6 }));
    }

    [Fact]
    public async Task Is_an_IEmbeddingGenerator_with_metadata()
    {
        using var pipeline = SentenceEmbeddingPipeline.FromPretrained(_modelDir);
        IEmbeddingGenerator<string, Embedding<float>> generator = pipeline;
        var result = await generator.GenerateAsync([Short, Long]);
        Assert.Equal(2, result.Count);
        Assert.Equal(pipeline.Embed(Long), result[1].Vector.ToArray());
        Assert.Equal("tiny", result[0].ModelId);
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.Equal(32, metadata!.DefaultModelDimensions);
        await Assert.ThrowsAsync<NotSupportedException>(() => generator.GenerateAsync([Short], new EmbeddingGenerationOptions { Dimensions = 16 }));
    }
}
