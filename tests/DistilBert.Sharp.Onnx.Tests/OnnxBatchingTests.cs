using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Inference.Batching;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Onnx.Tests;

/// <summary>
/// The batching service serves the ONNX Runtime pipeline unchanged (through <see cref="ITextClassifier"/>): concurrent
/// callers, gathered into shared batches, each get what the pipeline answers for their own text alone.
/// </summary>
[Collection(TorchRngCollection.Name)]
public class OnnxBatchingTests
{
    private static readonly string[] Texts =
    [
        "the film was great", "awful acting and a very bad plot", "good", "the movie is not good but the acting is great",
        "bad bad bad", "a plot", "very very very good film and great acting", "",
    ];

    [Fact]
    public async Task Concurrent_callers_of_a_batched_ONNX_pipeline_get_its_single_text_answers()
    {
        using var dir = new TempDirectory();
        var tokens = new List<string> { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
            "the", "a", "film", "movie", "was", "is", "good", "bad", "great", "awful", "plot", "acting", "and", "but", "not", "very" };
        while (tokens.Count < 60) tokens.Add($"w{tokens.Count}");
        Directory.CreateDirectory(dir.Combine("tok"));
        File.WriteAllText(dir.Combine("tok", "vocab.txt"), string.Join("\n", tokens) + "\n");
        File.WriteAllText(dir.Combine("tok", "tokenizer_config.json"), """{"do_lower_case": true, "model_max_length": 32}""");
        var tokenizer = DistilBertTokenizer.FromPretrained(dir.Combine("tok"));
        using (var model = TinyModels.Create(nameof(DistilBertForSequenceClassification)))
            OnnxExporter.Export(model, dir.Combine("onnx"), new OnnxExportOptions { Tokenizer = tokenizer });

        using var pipeline = new OnnxTextClassificationPipeline(dir.Combine("onnx"), new OnnxTextClassificationPipelineOptions { TopK = null });
        var single = Texts.ToDictionary(t => t, t => pipeline.Predict(t));
        await using var service = new BatchingTextClassifier(pipeline,
            new DynamicBatchingOptions { MaxBatchSize = 8, MaxDelay = TimeSpan.FromMilliseconds(5) });

        var callers = Enumerable.Range(0, 16).Select(c => Task.Run(async () =>
        {
            for (int i = 0; i < 20; i++)
            {
                string text = Texts[(c * 7 + i) % Texts.Length];
                var result = await service.ClassifyAsync(text);
                Assert.Equal(single[text].Select(r => r.LabelId), result.Select(r => r.LabelId));
                for (int k = 0; k < result.Count; k++) Assert.Equal(single[text][k].Score, result[k].Score, 1e-5f);
            }
        })).ToArray();
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(service.Batcher.BatchCount < 16 * 20, "requests were never batched together");
    }
}
