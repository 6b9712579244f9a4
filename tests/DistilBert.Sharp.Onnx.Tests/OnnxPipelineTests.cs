using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Onnx.Tests;

/// <summary>The ONNX Runtime pipeline gives the TorchSharp pipeline's answers on the same model.</summary>
[Collection(TorchRngCollection.Name)]
public class OnnxPipelineTests
{
    private static readonly string[] Words =
        ["the", "a", "film", "movie", "was", "is", "good", "bad", "great", "awful", "plot", "acting", "and", "but", "not", "very"];

    private static readonly string[] Texts =
    [
        "the film was great", "awful acting and a very bad plot", "", "good", "the movie is not good but the acting is great and very good",
        "bad bad bad", "a plot", "very very very good film and great acting",
    ];

    /// <summary>A 60-token vocabulary (the tiny models' size) with the special tokens first.</summary>
    private static DistilBertTokenizer Tokenizer(TempDirectory dir)
    {
        var tokens = new List<string> { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };
        tokens.AddRange(Words);
        while (tokens.Count < 60) tokens.Add($"w{tokens.Count}");
        Directory.CreateDirectory(dir.Combine("tok"));
        File.WriteAllText(dir.Combine("tok", "vocab.txt"), string.Join("\n", tokens) + "\n");
        File.WriteAllText(dir.Combine("tok", "tokenizer_config.json"), """{"do_lower_case": true, "model_max_length": 32}""");
        return DistilBertTokenizer.FromPretrained(dir.Combine("tok"));
    }

    public static TheoryData<string, int?> Cases => new()
    {
        { nameof(DistilBertForSequenceClassification), 1 },
        { nameof(DistilBertForSequenceClassification), null },
        { nameof(BertForSequenceClassification), null },
        { "DistilBertForSequenceClassification(relu, sinusoidal, 1 label)", null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Same_labels_and_scores_as_the_TorchSharp_pipeline(string name, int? topK)
    {
        using var dir = new TempDirectory();
        var tokenizer = Tokenizer(dir);
        using var model = TinyModels.Create(name);
        model.Config.Id2Label = Enumerable.Range(0, model.Config.NumLabels).ToDictionary(i => i, i => $"class-{i}");
        OnnxExporter.Export(model, dir.Combine("onnx"), new OnnxExportOptions { Tokenizer = tokenizer });

        var expected = new TextClassificationPipeline(model, tokenizer, new TextClassificationPipelineOptions { BatchSize = 3, TopK = topK }).PredictBatch(Texts);
        using var onnx = new OnnxTextClassificationPipeline(dir.Combine("onnx"), new OnnxTextClassificationPipelineOptions { BatchSize = 3, TopK = topK });
        var progress = new List<int>();
        var actual = onnx.PredictBatch(Texts, new SyncProgress(progress.Add));

        Assert.Equal([3, 6, 8], progress);
        Assert.Equal(Texts.Length, actual.Count);
        for (int i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(expected[i].Select(r => r.Label), actual[i].Select(r => r.Label));
            Assert.Equal(expected[i].Select(r => r.LabelId), actual[i].Select(r => r.LabelId));
            for (int k = 0; k < expected[i].Count; k++) Assert.Equal(expected[i][k].Score, actual[i][k].Score, 1e-4);
            Assert.StartsWith("class-", actual[i][0].Label);
        }
        Assert.Equal(actual[0], onnx.Predict(Texts[0]));
    }

    [Fact]
    public void Text_pairs_get_the_TorchSharp_pipelines_answers_with_segment_ids()
    {
        using var dir = new TempDirectory();
        var tokenizer = Tokenizer(dir);
        using var model = TinyModels.Create(nameof(BertForSequenceClassification));
        OnnxExporter.Export(model, dir.Combine("onnx"), new OnnxExportOptions { Tokenizer = tokenizer });
        string[] first = ["the film was great", "bad plot", "a movie"], second = ["the acting was awful", "good acting and a very good film", "a"];
        var expected = new TextClassificationPipeline(model, tokenizer, new TextClassificationPipelineOptions { TopK = null }).PredictBatch(first, second);
        using var onnx = new OnnxTextClassificationPipeline(dir.Combine("onnx"), new OnnxTextClassificationPipelineOptions { TopK = null, BatchSize = 2 });
        var actual = onnx.PredictBatch(first, second);
        for (int i = 0; i < first.Length; i++)
            for (int k = 0; k < expected[i].Count; k++)
            {
                Assert.Equal(expected[i][k].LabelId, actual[i][k].LabelId);
                Assert.Equal(expected[i][k].Score, actual[i][k].Score, 1e-4);
            }
        // Segment ids matter to BERT: the pair differs from its concatenation as one text.
        Assert.NotEqual(onnx.Predict("the film was great", "bad plot")[0].Score, onnx.Predict("the film was great bad plot")[0].Score);
        Assert.Throws<ArgumentException>(() => onnx.PredictBatch(first, second[..2]));
    }

    [Fact]
    public void Cancellation_stops_between_batches_and_the_classifier_interface_is_served()
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Create(nameof(DistilBertForSequenceClassification));
        OnnxExporter.Export(model, dir.Combine("onnx"), new OnnxExportOptions { Tokenizer = Tokenizer(dir) });
        using var pipeline = new OnnxTextClassificationPipeline(dir.Combine("onnx"), new OnnxTextClassificationPipelineOptions { BatchSize = 1 });
        ITextClassifier classifier = pipeline;
        using var cts = new CancellationTokenSource();
        int done = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => classifier.PredictBatch(Texts, new SyncProgress(n => { done = n; if (n == 2) cts.Cancel(); }), cts.Token));
        Assert.Equal(2, done);
        Assert.Throws<ArgumentNullException>(() => classifier.PredictBatch(["ok", null!]));
    }

    [Fact]
    public void A_folder_exported_from_a_bare_encoder_is_refused_by_the_classification_pipeline()
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Create(nameof(DistilBertModel));
        OnnxExporter.Export(model, dir.Combine("onnx"), new OnnxExportOptions { Tokenizer = Tokenizer(dir) });
        var ex = Assert.Throws<InvalidDataException>(() => new OnnxTextClassificationPipeline(dir.Combine("onnx")));
        Assert.Contains("logits", ex.Message);
    }

    [Fact]
    public void Texts_longer_than_the_position_table_are_truncated_to_it()
    {
        using var dir = new TempDirectory();
        var tokenizer = Tokenizer(dir); // model_max_length 32; the tiny model has 40 positions
        using var model = TinyModels.Create(nameof(DistilBertForSequenceClassification));
        OnnxExporter.Export(model, dir.Combine("onnx"), new OnnxExportOptions { Tokenizer = tokenizer });
        string longText = string.Join(" ", Enumerable.Repeat("good film", 60));
        using var onnx = new OnnxTextClassificationPipeline(dir.Combine("onnx"), new OnnxTextClassificationPipelineOptions { MaxLength = 1000 });
        var expected = new TextClassificationPipeline(model, tokenizer, new TextClassificationPipelineOptions { MaxLength = 40 }).Predict(longText);
        Assert.Equal(expected[0].Score, onnx.Predict(longText)[0].Score, 1e-4);
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
