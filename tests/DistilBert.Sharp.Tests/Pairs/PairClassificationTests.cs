using DistilBert.Sharp.Data;
using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tokenization;
using DistilBert.Sharp.Training;
using TorchSharp;

namespace DistilBert.Sharp.Tests.Pairs;

/// <summary>Sentence pairs: segment ids travel from the tokenizer through datasets, the collator, the Trainer and the pipeline to BERT.</summary>
[Collection(TorchRngCollection.Name)]
public class PairClassificationTests
{
    private static readonly string[] Words = ["red", "green", "blue", "cat", "dog", "tree", "sun", "moon"];

    private static DistilBertTokenizer CreateTokenizer(TempDirectory dir)
    {
        File.WriteAllText(dir.Combine("vocab.txt"), string.Join("\n", ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. Words]) + "\n");
        File.WriteAllText(dir.Combine("tokenizer_config.json"), """{"do_lower_case": true, "model_max_length": 16}""");
        return DistilBertTokenizer.FromPretrained(dir.Path);
    }

    [Fact]
    public void Pair_dataset_carries_segment_ids_and_the_collator_pads_them_with_zero()
    {
        using var dir = new TempDirectory();
        var tokenizer = CreateTokenizer(dir);
        var ds = TextClassificationDataset.FromLabeledTextPairs(["red cat", "sun"], ["dog", "moon tree blue"], [1, 0], tokenizer);
        Assert.True(ds.HasTokenTypeIds);
        Assert.Equal(new[] { 0, 0, 0, 0, 1, 1 }, ds[0].TokenTypeIds);          // [CLS] red cat [SEP] dog [SEP]
        Assert.Equal(new[] { 0, 0, 0, 1, 1, 1, 1 }, ds[1].TokenTypeIds);       // [CLS] sun [SEP] moon tree blue [SEP]
        Assert.Equal(ds[1].TokenTypeIds, ds.Select([1])[0].TokenTypeIds);
        using var scope = torch.NewDisposeScope();
        var batch = new DataCollatorWithPadding().Collate([ds[0], ds[1]]);
        Assert.Equal(new long[] { 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1 }, batch.TokenTypeIds!.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 0 }, batch.Labels!.data<long>().ToArray());
    }

    [Fact]
    public void Unequal_pair_lists_are_refused_naming_the_first_example_without_a_partner()
    {
        using var dir = new TempDirectory();
        var tokenizer = CreateTokenizer(dir);
        var ex = Assert.Throws<ArgumentException>(() => TextClassificationDataset.FromLabeledTextPairs(["red", "sun", "cat"], ["dog", "moon"], [1, 0, 1], tokenizer));
        Assert.Contains("example 2", ex.Message);
        Assert.Contains("Example 1", Assert.Throws<ArgumentException>(() => TextClassificationDataset.FromLabeledTextPairs(["red", "sun"], ["dog", null!], [1, 0], tokenizer)).Message);
    }

    [Fact]
    public void Bert_learns_a_task_where_only_token_types_differ_and_the_pipeline_passes_them()
    {
        using var dir = new TempDirectory();
        var tokenizer = CreateTokenizer(dir);
        // The pair (a, b) and the single text "a [SEP] b" give the same ids, [CLS] a [SEP] b [SEP]; only the segment
        // ids differ (0 0 0 1 1 vs all 0). Class 1 = a real pair, class 0 = the single text.
        var random = new Random(7);
        var firsts = new List<string>();
        var seconds = new List<string>();
        for (int i = 0; i < 96; i++)
        {
            firsts.Add(string.Join(" ", Enumerable.Range(0, 1 + random.Next(2)).Select(_ => Words[random.Next(Words.Length)])));
            seconds.Add(string.Join(" ", Enumerable.Range(0, 1 + random.Next(2)).Select(_ => Words[random.Next(Words.Length)])));
        }
        var typeOptions = new EncodeOptions { ReturnTokenTypeIds = true };
        var pairs = tokenizer.EncodeBatch(firsts, seconds, typeOptions);
        var singles = tokenizer.EncodeBatch(firsts.Zip(seconds, (a, b) => $"{a} [SEP] {b}").ToList(), typeOptions);
        Assert.Equal(pairs.InputIds, singles.InputIds);
        var ids = pairs.InputIds.Concat(singles.InputIds).ToList();
        var types = pairs.TokenTypeIds!.Concat(singles.TokenTypeIds!).ToList();
        var labels = Enumerable.Repeat(1, 96).Concat(Enumerable.Repeat(0, 96)).ToList();
        var all = TextClassificationDataset.FromClassLabels(ids, types, labels);
        var trainIdx = Enumerable.Range(0, 192).Where(i => i % 4 != 0).ToArray();
        var evalIdx = Enumerable.Range(0, 192).Where(i => i % 4 == 0).ToArray();

        torch.manual_seed(11);
        var config = new BertConfig
        {
            VocabSize = tokenizer.VocabSize, HiddenSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 64,
            MaxPositionEmbeddings = 16, HiddenDropoutProb = 0, AttentionProbsDropoutProb = 0, NumLabels = 2,
        };
        using var model = new BertForSequenceClassification(config);
        var args = new TrainingArguments
        {
            OutputDir = dir.Combine("out"), NumTrainEpochs = 4, PerDeviceTrainBatchSize = 16, LearningRate = 5e-3, SaveStrategy = SaveStrategy.No,
        };
        using var trainer = new Trainer(model, args, all.Select(trainIdx), all.Select(evalIdx), computeMetrics: ClassificationMetrics.Compute);
        trainer.Train();
        Assert.Equal(1.0, trainer.Evaluate()["eval_accuracy"]);

        // The pipeline's pair overload sends segment ids: the same ids are a pair (1) or a single text (0).
        var pipeline = new TextClassificationPipeline(model, tokenizer);
        var asPairs = pipeline.PredictBatch(["red cat", "sun"], ["dog", "moon tree"]);
        var asSingles = pipeline.PredictBatch(["red cat [SEP] dog", "sun [SEP] moon tree"]);
        Assert.All(asPairs, r => Assert.Equal(1, r[0].LabelId));
        Assert.All(asSingles, r => Assert.Equal(0, r[0].LabelId));
        Assert.Equal(1, pipeline.Predict("tree", "tree")[0].LabelId);
        Assert.Throws<ArgumentException>(() => pipeline.PredictBatch(["a", "b"], ["c"]));
    }
}
