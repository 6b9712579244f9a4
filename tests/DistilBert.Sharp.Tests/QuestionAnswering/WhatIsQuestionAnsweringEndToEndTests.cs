using DistilBert.Sharp.Data;
using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tokenization;
using DistilBert.Sharp.Training;
using DistilBert.Sharp.Training.Metrics;
using TorchSharp;

namespace DistilBert.Sharp.Tests.QuestionAnswering;

/// <summary>
/// A tiny random DistilBERT learns to answer "what is the X?" from generated contexts ("sea coal the sky is blue . rose"),
/// with contexts longer than one window, trained by the generic Trainer, scored by SquadMetric,
/// served by the pipeline, saved and reloaded.
/// </summary>
[Collection(TorchRngCollection.Name)]
public class WhatIsQuestionAnsweringEndToEndTests
{
    private static readonly string[] Objects = ["sky", "grass", "sun", "snow", "coal", "rose", "sea", "leaf"];
    private static readonly string[] Values = ["blue", "green", "yellow", "white", "black", "red", "grey", "pink"];

    private static DistilBertTokenizer CreateTokenizer(TempDirectory dir)
    {
        // "pink" is not a token: it is pi ##nk, so some answers end on a sub-word.
        string[] vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "what", "is", "the", "?", ".", .. Objects, .. Values.Where(v => v != "pink"), "pi", "##nk"];
        File.WriteAllText(dir.Combine("vocab.txt"), string.Join("\n", vocab) + "\n");
        File.WriteAllText(dir.Combine("tokenizer_config.json"), """{"do_lower_case": true, "model_max_length": 64}""");
        return DistilBertTokenizer.FromPretrained(dir.Path);
    }

    /// <summary>"what is the X?" about a context of filler words around one fact "the X is V ." at a random place.</summary>
    internal static List<QuestionAnsweringExample> Examples(int count, int seed)
    {
        var random = new Random(seed);
        var examples = new List<QuestionAnsweringExample>();
        string Filler(int n) => string.Join(" ", Enumerable.Range(0, n).Select(_ => Objects[random.Next(Objects.Length)]));
        for (int i = 0; i < count; i++)
        {
            string subject = Objects[random.Next(Objects.Length)], value = Values[random.Next(Values.Length)];
            int before = random.Next(9);
            string head = (Filler(before) + " the " + subject + " is ").TrimStart();
            string context = head + value + " . " + Filler(8 - before);
            examples.Add(new QuestionAnsweringExample($"q{i}", $"what is the {subject}?", context.Trim(), [new AnswerSpan(value, head.Length)]));
        }
        return examples;
    }

    [Fact]
    public void Tiny_DistilBert_learns_what_is_x_across_windows_and_a_reloaded_model_answers_the_same()
    {
        using var dir = new TempDirectory();
        var tokenizer = CreateTokenizer(dir);
        // Question + specials take 8 of 16 tokens: 8 context tokens per window, stride 4 → 2-3 windows per context of 14-15 tokens.
        var options = new QuestionAnsweringOptions { MaxLength = 16, DocStride = 4 };
        var train = QuestionAnsweringDataset.Prepare(Examples(240, seed: 1), tokenizer, options);
        var eval = QuestionAnsweringDataset.Prepare(Examples(60, seed: 2), tokenizer, options);
        Assert.True(train.Count >= 2 * 240, $"{train.Count} features: contexts should span several windows");
        Assert.Contains(Enumerable.Range(0, train.Count), f => train[f].StartPosition == 0); // windows that miss or cut the answer

        torch.manual_seed(4);
        var config = new DistilBertConfig
        {
            VocabSize = tokenizer.VocabSize, Dim = 32, NLayers = 2, NHeads = 2, HiddenDim = 64, MaxPositionEmbeddings = 16,
            Dropout = 0, AttentionDropout = 0, NumLabels = 2,
        };
        using var model = new DistilBertForQuestionAnswering(config);
        var args = new TrainingArguments
        {
            OutputDir = dir.Combine("out"), NumTrainEpochs = 3, PerDeviceTrainBatchSize = 16, PerDeviceEvalBatchSize = 64,
            LearningRate = 5e-3, WarmupSteps = 5, LoggingSteps = 10, SaveStrategy = SaveStrategy.No,
        };
        var squad = new SquadMetric(eval, new QuestionAnsweringPostProcessingOptions { MaxAnswerLength = 5 });
        using var trainer = new Trainer(model, args, train, eval) { BatchEvalMetrics = squad };
        var before = trainer.Evaluate();
        trainer.Train();
        var metrics = trainer.Evaluate();
        string report = $"after: EM {metrics["eval_exact_match"]:F1} F1 {metrics["eval_f1"]:F1}; before: EM {before["eval_exact_match"]:F1} F1 {before["eval_f1"]:F1}";
        // Chance: a random span rarely equals the answer (EM), though a span around it earns partial F1.
        Assert.True(before["eval_exact_match"] < 25, report);
        Assert.True(metrics["eval_exact_match"] > 90 && metrics["eval_f1"] > 90, report);

        const string context = "sea snow the rose is pink . leaf sun sky grass coal";
        var pipeline = new QuestionAnsweringPipeline(model, tokenizer, new QuestionAnsweringPipelineOptions { MaxSeqLength = 16, DocStride = 4, MaxAnswerLength = 5 });
        var answer = pipeline.Predict("what is the rose?", context)[0];
        Assert.Equal("pink", answer.Answer);
        Assert.Equal(context.IndexOf("pink", StringComparison.Ordinal), answer.Start);

        string saved = dir.Combine("model");
        model.SavePretrained(saved);
        using var reloaded = DistilBertForQuestionAnswering.FromPretrained(saved);
        var again = new QuestionAnsweringPipeline(reloaded, tokenizer, new QuestionAnsweringPipelineOptions { MaxSeqLength = 16, DocStride = 4, MaxAnswerLength = 5 })
            .PredictBatch(["what is the sea?", "what is the rose?"], ["leaf the sea is grey . sun sun", context]);
        Assert.Equal(answer with { Score = 0 }, again[1][0] with { Score = 0 });
        Assert.Equal(answer.Score, again[1][0].Score, 5);
        Assert.Equal("grey", again[0][0].Answer);
    }
}
