using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Training;
using TorchSharp;
using Xunit.Abstractions;

namespace DistilBert.Sharp.Tests.SunEtAl;

/// <summary>
/// The whole Sun et al. path on a tiny random model: masked-LM further pre-training with the same Trainer, saving,
/// then fine-tuning a classifier from that checkpoint with layer-wise learning-rate decay.
/// </summary>
[Collection(TorchRngCollection.Name)]
public sealed class MlmFurtherPretrainingTests(ITestOutputHelper output)
{
    private const int Pad = 0, Unk = 1, Cls = 2, Sep = 3, Mask = 4, First = 5, Vocab = 30;

    /// <summary>Label 0 texts use ids 5 … 16, label 1 texts ids 17 … 28: the context tells which half a hidden token is from.</summary>
    private static (List<int[]> Ids, List<int> Labels) Corpus(int count, int seed)
    {
        var rng = new Random(seed);
        var ids = new List<int[]>();
        var labels = new List<int>();
        for (int i = 0; i < count; i++)
        {
            int label = rng.Next(2), len = rng.Next(6, 14);
            int[] seq = new int[len + 2];
            seq[0] = Cls;
            seq[^1] = Sep;
            for (int t = 0; t < len; t++)
                seq[t + 1] = First + 12 * label + rng.Next(12);
            ids.Add(seq);
            labels.Add(label);
        }
        return (ids, labels);
    }

    private static List<double> Losses(Trainer t) => t.State.LogHistory.Where(l => l.ContainsKey("loss")).Select(l => l["loss"]).ToList();

    [Fact]
    public void Masked_LM_pretraining_learns_saves_and_the_classifier_fine_tunes_from_its_encoder()
    {
        using var dir = new TempDirectory();
        var config = new DistilBertConfig
        {
            VocabSize = Vocab, Dim = 32, NLayers = 2, NHeads = 2, HiddenDim = 64, MaxPositionEmbeddings = 32,
            Dropout = 0.0, AttentionDropout = 0.0, PadTokenId = Pad,
        };
        var (ids, labels) = Corpus(256, seed: 1);
        string pretrained = dir.Combine("mlm");

        // 1. Further pre-training: unlabelled ids, the MLM collator, the same Trainer.
        torch.manual_seed(0);
        using (var mlm = new DistilBertForMaskedLM(config))
        using (var collator = new DataCollatorForLanguageModeling(Vocab, Mask, Pad, [Pad, Unk, Cls, Sep, Mask]))
        {
            var args = new TrainingArguments
            {
                OutputDir = dir.Combine("mlm-run"), MaxSteps = 70, PerDeviceTrainBatchSize = 32, LearningRate = 1e-2, WarmupSteps = 5,
                WeightDecay = 0.01, LoggingSteps = 10, SaveStrategy = SaveStrategy.No, Seed = 3,
            };
            using var trainer = new Trainer(mlm, args, TextClassificationDataset.FromClassLabels(ids, labels).WithoutLabels(), dataCollator: collator);
            trainer.Train();
            var losses = Losses(trainer);
            output.WriteLine($"MLM losses: {string.Join(", ", losses.Select(l => l.ToString("F3")))}");
            // Uniform guessing over the 25 content ids costs ln 25 = 3.22; knowing the half (12 ids) costs ln 12 = 2.48.
            Assert.True(losses[0] > 3.0 && losses.TakeLast(3).Average() < 2.8,
                $"MLM loss did not fall: {string.Join(", ", losses.Select(l => l.ToString("F3")))}");
            // Evaluation of a masked-LM model reports the held-out masked-LM loss (perplexity = exp of it), no logits.
            var heldOut = TextClassificationDataset.Unlabeled(Corpus(64, seed: 7).Ids);
            var evalMetrics = trainer.Evaluate(heldOut);
            output.WriteLine($"MLM eval_loss {evalMetrics["eval_loss"]:F3}");
            Assert.InRange(evalMetrics["eval_loss"], 1.5, 2.9);
            Assert.Equal(0, trainer.Predict(heldOut).Predictions.GetLength(1));
            mlm.SavePretrained(pretrained);
        }

        // 2. The classifier loads the further-pre-trained encoder exactly; only the new head is missing.
        torch.manual_seed(0);
        using var reloadedMlm = DistilBertForMaskedLM.FromPretrained(pretrained);
        using var classifier = DistilBertForSequenceClassification.FromPretrained(pretrained, new PretrainedOptions { NumLabels = 2 });
        Assert.All(classifier.LastLoadReport!.MissingKeys, k => Assert.Matches("^(pre_classifier|classifier)\\.", k));
        Assert.NotEmpty(classifier.LastLoadReport.MissingKeys);
        var encoder = reloadedMlm.named_parameters().Where(p => p.name.StartsWith("distilbert.", StringComparison.Ordinal))
            .ToDictionary(p => p.name, p => p.parameter);
        Assert.NotEmpty(encoder);
        foreach (var (name, p) in classifier.named_parameters().Where(p => p.name.StartsWith("distilbert.", StringComparison.Ordinal)))
            Assert.True(p.equal(encoder[name]).all().item<bool>(), $"{name} is not the pre-trained weight");

        // 3. Fine-tuning from it with layer-wise learning-rate decay: the half of the vocabulary is learned.
        var (evalIds, evalLabels) = Corpus(64, seed: 2);
        var ftArgs = new TrainingArguments
        {
            OutputDir = dir.Combine("ft-run"), NumTrainEpochs = 3, PerDeviceTrainBatchSize = 32, LearningRate = 5e-3, WarmupSteps = 2,
            LayerwiseLrDecay = 0.9, WeightDecay = 0.01, LoggingSteps = 4, SaveStrategy = SaveStrategy.No, Seed = 4,
        };
        using var ft = new Trainer(classifier, ftArgs, TextClassificationDataset.FromClassLabels(ids, labels),
            computeMetrics: ClassificationMetrics.Compute);
        ft.Train();
        double accuracy = ft.Evaluate(TextClassificationDataset.FromClassLabels(evalIds, evalLabels))["eval_accuracy"];
        output.WriteLine($"fine-tune losses: {string.Join(", ", Losses(ft).Select(l => l.ToString("F3")))}; eval accuracy {accuracy:F3}");
        Assert.True(accuracy > 0.9, $"fine-tuned accuracy {accuracy}; losses {string.Join(", ", Losses(ft).Select(l => l.ToString("F3")))}");
    }
}
