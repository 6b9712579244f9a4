using System.Text.Json.Nodes;
using DistilBert.Sharp.Data;
using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tokenization;
using DistilBert.Sharp.Training;
using TorchSharp;

namespace DistilBert.Sharp.Tests.FirstHour;

/// <summary>Issue #17, defect 8: labels in PretrainedOptions, the one-line pipeline, Trainer.SaveModel, a fail-fast pipeline.</summary>
[Collection(TorchRngCollection.Name)]
public class ModelApiTests
{
    private static readonly Dictionary<int, string> Sentiment = new() { [0] = "NEGATIVE", [1] = "POSITIVE" };

    [Fact]
    public void Id2Label_or_Label2Id_in_the_options_name_the_head_labels()
    {
        using var temp = new TempDirectory();
        string dir = TinyImdb.WriteModel(temp.Combine("m"));
        using (var model = DistilBertForSequenceClassification.FromPretrained(dir, new PretrainedOptions { Id2Label = Sentiment }))
        {
            Assert.Equal(Sentiment, model.Config.Id2Label);
            Assert.Equal(1, model.Config.Label2Id["POSITIVE"]);
        }
        var byName = new Dictionary<string, int> { ["pos"] = 1, ["neg"] = 0 };
        using (var model = DistilBertForSequenceClassification.FromPretrained(dir, new PretrainedOptions { Label2Id = byName }))
        {
            Assert.Equal(2, model.Config.NumLabels);
            Assert.Equal("neg", model.Config.Id2Label[0]);
            Assert.Equal("pos", model.Config.Id2Label[1]);
        }
        Assert.Throws<ArgumentException>(() => DistilBertForSequenceClassification.FromPretrained(dir,
            new PretrainedOptions { Id2Label = Sentiment, NumLabels = 3 }));
        Assert.Throws<ArgumentException>(() => DistilBertForSequenceClassification.FromPretrained(dir,
            new PretrainedOptions { Id2Label = Sentiment, Label2Id = new Dictionary<string, int> { ["NEGATIVE"] = 1, ["POSITIVE"] = 0 } }));
        Assert.Throws<ArgumentException>(() => DistilBertForSequenceClassification.FromPretrained(dir,
            new PretrainedOptions { Id2Label = new Dictionary<int, string> { [1] = "a", [2] = "b" } }));
    }

    [Fact]
    public void A_pipeline_on_a_model_without_a_classification_head_fails_in_the_constructor()
    {
        using var temp = new TempDirectory();
        string dir = TinyImdb.WriteModel(temp.Combine("m"));
        var tokenizer = DistilBertTokenizer.FromPretrained(dir);
        using var mlm = DistilBertForMaskedLM.FromPretrained(dir);
        var ex = Assert.Throws<ArgumentException>(() => new TextClassificationPipeline(mlm, tokenizer));
        Assert.Contains("DistilBertForMaskedLM", ex.Message);
        Assert.Contains("sequence-classification head", ex.Message);
        using var encoder = DistilBertModel.FromPretrained(dir);
        Assert.Throws<ArgumentException>(() => new TextClassificationPipeline(encoder, tokenizer));
    }

    [Fact]
    public void SaveModel_writes_model_and_tokenizer_and_FromPretrained_pipeline_loads_them_with_labels()
    {
        using var temp = new TempDirectory();
        string aclImdb = TinyImdb.WriteDataset(temp.Path, perLabel: 20);
        string dir = TinyImdb.WriteModel(temp.Combine("m"));
        var tokenizer = DistilBertTokenizer.FromPretrained(dir);
        using var model = DistilBertForSequenceClassification.FromPretrained(dir, new PretrainedOptions { Id2Label = Sentiment });
        var train = TextClassificationDataset.FromLabeledTexts(ImdbDataset.LoadSplit(aclImdb, "train"), tokenizer);
        var args = new TrainingArguments { OutputDir = temp.Combine("out"), MaxSteps = 3, PerDeviceTrainBatchSize = 8, SaveStrategy = SaveStrategy.No };
        string saved;
        using (var trainer = new Trainer(model, args, train) { ProcessingClass = tokenizer })
        {
            trainer.Train();
            saved = trainer.SaveModel(temp.Combine("final"));
        }
        foreach (string file in new[] { "config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json", "tokenizer.json" })
            Assert.True(File.Exists(Path.Combine(saved, file)), file);

        string[] texts = ["the film was wonderful", "boring and awful plot"];
        var expected = new TextClassificationPipeline(model, tokenizer, new TextClassificationPipelineOptions { TopK = null }).PredictBatch(texts);
        using var pipeline = TextClassificationPipeline.FromPretrained(saved, new TextClassificationPipelineOptions { TopK = null });
        var actual = pipeline.PredictBatch(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(expected[i].Select(r => r.Label), actual[i].Select(r => r.Label));
            Assert.Contains(actual[i][0].Label, new[] { "NEGATIVE", "POSITIVE" });
            for (int k = 0; k < expected[i].Count; k++) Assert.Equal(expected[i][k].Score, actual[i][k].Score, 5);
        }
        pipeline.Dispose();
        Assert.Throws<InvalidOperationException>(() => pipeline.Model.parameters().First().item<float>()); // the owned model is freed
    }

    [Fact]
    public void A_pipeline_built_on_a_caller_model_does_not_dispose_it()
    {
        using var temp = new TempDirectory();
        string dir = TinyImdb.WriteModel(temp.Combine("m"));
        using var model = DistilBertForSequenceClassification.FromPretrained(dir);
        var tokenizer = DistilBertTokenizer.FromPretrained(dir);
        float before;
        using (var pipeline = new TextClassificationPipeline(model, tokenizer)) before = pipeline.Predict("good film")[0].Score;
        Assert.Equal(before, new TextClassificationPipeline(model, tokenizer).Predict("good film")[0].Score); // still usable
    }
}
