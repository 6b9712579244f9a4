using DistilBert.Sharp.Data;
using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tokenization;
using DistilBert.Sharp.Training;
using DistilBert.Sharp.Training.Metrics;
using TorchSharp;

namespace DistilBert.Sharp.Tests.TokenClassification;

/// <summary>
/// A tiny random DistilBERT learns to tag people and places from a fixed gazetteer (with a multi-word place and a
/// place that splits into sub-words), trained and evaluated by the generic Trainer, served by the pipeline, saved
/// and reloaded.
/// </summary>
[Collection(TorchRngCollection.Name)]
public class GazetteerTaggingEndToEndTests
{
    private static readonly string[] People = ["alice", "bob", "carol", "dave", "erin", "frank"];
    private static readonly string[][] Places = [["london"], ["berlin"], ["paris"], ["new", "york"], ["rome"]];
    private static readonly string[] Labels = ["B-LOC", "B-PER", "I-LOC", "O"];

    internal static DistilBertTokenizer CreateTokenizer(TempDirectory dir)
    {
        // "paris" is not in the vocabulary: it becomes par ##is, so alignment and word aggregation matter.
        string[] vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. People, "london", "berlin", "par", "##is", "new", "york", "rome",
            "lives", "in", "visited", "met", "and", "the", "weather", "is", "fine", "yesterday", "today", "."];
        File.WriteAllText(dir.Combine("vocab.txt"), string.Join("\n", vocab) + "\n");
        File.WriteAllText(dir.Combine("tokenizer_config.json"), """{"do_lower_case": true, "model_max_length": 32}""");
        return DistilBertTokenizer.FromPretrained(dir.Path);
    }

    private static List<LabeledWords> Sentences(int count, int seed)
    {
        var random = new Random(seed);
        var sentences = new List<LabeledWords>();
        for (int i = 0; i < count; i++)
        {
            var words = new List<string>();
            var tags = new List<string>();
            void Person() { words.Add(People[random.Next(People.Length)]); tags.Add("B-PER"); }
            void Place()
            {
                var place = Places[random.Next(Places.Length)];
                for (int k = 0; k < place.Length; k++) { words.Add(place[k]); tags.Add(k == 0 ? "B-LOC" : "I-LOC"); }
            }
            void Plain(params string[] filler) { foreach (var w in filler) { words.Add(w); tags.Add("O"); } }
            switch (random.Next(4))
            {
                case 0: Person(); Plain("lives", "in"); Place(); Plain("."); break;
                case 1: Person(); Plain("visited"); Place(); Plain(random.Next(2) == 0 ? "yesterday" : "today"); break;
                case 2: Plain("the", "weather", "in"); Place(); Plain("is", "fine"); break;
                default: Person(); Plain("and"); Person(); Plain("met", "in"); Place(); break;
            }
            sentences.Add(new LabeledWords(words, tags));
        }
        return sentences;
    }

    [Fact]
    public void Tiny_DistilBert_learns_gazetteer_ner_the_pipeline_finds_the_entities_and_a_reloaded_model_predicts_the_same()
    {
        using var dir = new TempDirectory();
        var tokenizer = CreateTokenizer(dir);
        var train = TokenClassificationDataset.FromWords(Sentences(240, seed: 1), tokenizer, Labels);
        var eval = TokenClassificationDataset.FromWords(Sentences(60, seed: 2), tokenizer, Labels);

        torch.manual_seed(3);
        var config = new DistilBertConfig
        {
            VocabSize = tokenizer.VocabSize, Dim = 32, NLayers = 1, NHeads = 2, HiddenDim = 64, MaxPositionEmbeddings = 32,
            Id2Label = Labels.Select((l, i) => (l, i)).ToDictionary(p => p.i, p => p.l),
        };
        using var model = new DistilBertForTokenClassification(config);
        var args = new TrainingArguments
        {
            OutputDir = dir.Combine("out"), NumTrainEpochs = 3, PerDeviceTrainBatchSize = 16, PerDeviceEvalBatchSize = 16,
            LearningRate = 1e-2, WarmupSteps = 3, LoggingSteps = 5, SaveStrategy = SaveStrategy.No,
        };
        using var trainer = new Trainer(model, args, train, eval, new DataCollatorForTokenClassification(tokenizer.PadTokenId))
        {
            BatchEvalMetrics = new TokenClassificationMetric(Labels),
        };
        double before = trainer.Evaluate()["eval_f1"];
        trainer.Train();
        var metrics = trainer.Evaluate();
        Assert.True(before < 0.5, $"an untrained model should be near chance, got entity F1 {before}");
        Assert.True(metrics["eval_f1"] > 0.95, $"entity F1 {metrics["eval_f1"]} (before training {before})");
        Assert.True(metrics["eval_loss"] < 0.2, $"eval loss {metrics["eval_loss"]}");

        const string text = "Alice visited Paris and Bob lives in New York.";
        var first = new TokenClassificationPipeline(model, tokenizer, new() { AggregationStrategy = AggregationStrategy.First });
        var entities = first.Predict(text);
        Assert.Equal("PER 'alice' 0-5 | LOC 'paris' 14-19 | PER 'bob' 24-27 | LOC 'new york' 37-45",
            string.Join(" | ", entities.Select(e => $"{e.Entity} '{e.Word}' {e.Start}-{e.End}")));
        Assert.Equal("Paris", text[entities[1].Start..entities[1].End]);

        // Windows of 8 tokens every 3: one window ends on "new", another starts on "##is"; merging gives the same entities.
        var windowed = new TokenClassificationPipeline(model, tokenizer, new() { AggregationStrategy = AggregationStrategy.First, MaxLength = 8, Stride = 3 });
        Assert.Equal(entities.Select(e => (e.Entity, e.Word, e.Start, e.End)), windowed.Predict(text).Select(e => (e.Entity, e.Word, e.Start, e.End)));
        Assert.Throws<ArgumentException>(() => new TokenClassificationPipeline(model, tokenizer, new() { Stride = 3 }));

        string saved = dir.Combine("model");
        model.SavePretrained(saved);
        using var reloaded = DistilBertForTokenClassification.FromPretrained(saved);
        Assert.Equal(Labels, Enumerable.Range(0, 4).Select(i => reloaded.Config.Id2Label[i]));
        foreach (var strategy in Enum.GetValues<AggregationStrategy>())
        {
            var options = new TokenClassificationPipelineOptions { AggregationStrategy = strategy };
            var expected = new TokenClassificationPipeline(model, tokenizer, options).Predict(text);
            var actual = new TokenClassificationPipeline(reloaded, tokenizer, options).Predict(text);
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i] with { Score = 0 }, actual[i] with { Score = 0 });
                Assert.Equal(expected[i].Score, actual[i].Score, 5);
            }
        }
    }
}
