using DistilBert.Sharp.Training.Metrics;

namespace DistilBert.Sharp.Tests.TokenClassification;

/// <summary>seqeval strict IOB2 entity metrics on hand-scored sequences.</summary>
public class EntityMetricsTests
{
    [Theory]
    [InlineData("B-PER I-PER O B-LOC", "PER:0-2 LOC:3-4")]
    [InlineData("B-LOC B-LOC O", "LOC:0-1 LOC:1-2")]      // two B- are two entities
    [InlineData("O I-PER I-PER O", "")]                     // strict: an I- without B- is no entity
    [InlineData("B-PER I-LOC", "PER:0-1")]                  // a type change ends the entity; the I-LOC is dropped
    [InlineData("B-PER I-PER I-PER", "PER:0-3")]            // an entity running to the end
    [InlineData("O O", "")]
    public void Strict_iob2_extraction(string tags, string expected)
    {
        var entities = EntityMetrics.ExtractEntities(tags.Split(' '));
        Assert.Equal(expected, string.Join(" ", entities.Select(e => $"{e.Type}:{e.Start}-{e.End}")));
    }

    [Fact]
    public void Micro_precision_recall_f1_accuracy_and_per_type_f1_match_hand_counts()
    {
        string[][] gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-LOC", "B-LOC", "O"], ["O", "I-PER", "O"], ["B-PER", "I-LOC"]];
        string[][] pred = [["B-PER", "I-PER", "O", "B-ORG"], ["B-LOC", "I-LOC", "O"], ["O", "B-PER", "O"], ["B-PER", "I-LOC"]];
        // gold entities 2 + 2 + 0 + 1 = 5, predicted 2 + 1 + 1 + 1 = 5, exact matches: PER(0,2) in 1, PER(0,1) in 4 → 2.
        var scores = EntityMetrics.Compute(gold, pred);
        Assert.Equal(0.4, scores.Precision, 12);
        Assert.Equal(0.4, scores.Recall, 12);
        Assert.Equal(0.4, scores.F1, 12);
        Assert.Equal(9.0 / 12, scores.Accuracy, 12);
        Assert.Equal(0.8, scores.F1ByType["PER"], 12); // 2 tp, 3 predicted, 2 gold
        Assert.Equal(0.0, scores.F1ByType["LOC"], 12);
        Assert.Equal(0.0, scores.F1ByType["ORG"], 12);
        Assert.Equal(0.4, scores.ToDictionary()["f1"], 12);
    }

    [Fact]
    public void No_entities_anywhere_scores_zero_not_nan_and_bad_tags_are_named()
    {
        var scores = EntityMetrics.Compute([["O"]], [["O"]]);
        Assert.Equal(0, scores.F1);
        Assert.Equal(1, scores.Accuracy);
        Assert.Contains("'PER'", Assert.Throws<ArgumentException>(() => EntityMetrics.ExtractEntities(["O", "PER"])).Message);
        Assert.Contains("Example 0", Assert.Throws<ArgumentException>(() => EntityMetrics.Compute([["O"]], [["O", "O"]])).Message);
    }
}
