using DistilBert.Sharp.Data;
using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tokenization;
using DistilBert.Sharp.Training;

namespace DistilBert.Sharp.Tests.Samples;

/// <summary>The README's quick start, line for line, on a tiny model and a synthetic aclImdb folder.</summary>
[Collection(TorchRngCollection.Name)]
public class ReadmeQuickStartTests
{
    [Fact]
    public void Quick_start_trains_saves_and_classifies()
    {
        using var temp = new TempDirectory();
        string aclImdb = TinyImdb.WriteDataset(temp.Path);
        string pretrained = TinyImdb.WriteModel(temp.Combine("tiny-distilbert"));

        // --- README quick start (with the tiny model's folder and the synthetic data) ---
        var tokenizer = DistilBertTokenizer.FromPretrained(pretrained);
        using var model = DistilBertForSequenceClassification.FromPretrained(pretrained,
            new PretrainedOptions { NumLabels = 2 });
        var train = TextClassificationDataset.FromLabeledTexts(ImdbDataset.LoadSplit(aclImdb, "train"), tokenizer);
        var args = new TrainingArguments { OutputDir = temp.Combine("out"), NumTrainEpochs = 6, PerDeviceTrainBatchSize = 16, LearningRate = 2e-3 };
        using var trainer = new Trainer(model, args, train, dataCollator: new DataCollatorWithPadding(tokenizer.PadTokenId));
        trainer.Train();
        model.SavePretrained(temp.Combine("out", "final"));
        var classifier = new TextClassificationPipeline(model, tokenizer);
        var best = classifier.Predict("the film was wonderful and the story loved")[0];
        // --- end of quick start ---

        Assert.Equal("LABEL_1", best.Label); // label 1 = pos in the aclImdb layout
        Assert.InRange(best.Score, 0.5f, 1f);
        var test = ImdbDataset.LoadSplit(aclImdb, "test");
        var predictions = classifier.PredictBatch(test.Select(t => t.Text).ToList());
        double accuracy = test.Select((t, i) => predictions[i][0].LabelId == t.Label ? 1.0 : 0.0).Average();
        Assert.True(accuracy > 0.9, $"test accuracy {accuracy:P1} on a task decided by one word");

        using var reloaded = DistilBertForSequenceClassification.FromPretrained(temp.Combine("out", "final"));
        var again = new TextClassificationPipeline(reloaded, tokenizer).Predict("the film was wonderful and the story loved")[0];
        Assert.Equal(best.Score, again.Score, 5);
    }
}
