using DistilBert.Sharp.Inference;

namespace DistilBert.Sharp.Tests.TokenClassification;

/// <summary>HF TokenClassificationPipeline aggregation strategies on hand-made softmax scores.</summary>
public class TokenAggregationTests
{
    private static readonly string[] Labels = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"];

    // "Hello unaffable world!" → hello | un ##aff ##able | world | !
    private static readonly PreEntity[] Tokens =
    [
        new("hello", [0.1f, 0.7f, 0.1f, 0.05f, 0.05f], 0, 5, 1, false),   // B-PER 0.7
        new("un", [0.1f, 0.1f, 0.6f, 0.1f, 0.1f], 6, 8, 2, false),        // I-PER 0.6
        new("##aff", [0.05f, 0.05f, 0.05f, 0.8f, 0.05f], 8, 11, 3, true), // B-LOC 0.8
        new("##able", [0.1f, 0.1f, 0.5f, 0.1f, 0.2f], 11, 15, 4, true),   // I-PER 0.5
        new("world", [0.1f, 0.05f, 0.05f, 0.7f, 0.1f], 16, 21, 5, false), // B-LOC 0.7
        new("!", [0.9f, 0.025f, 0.025f, 0.025f, 0.025f], 21, 22, 6, false), // O 0.9
    ];

    private static string Render(IEnumerable<TokenClassificationResult> results) =>
        string.Join(" | ", results.Select(r => $"{r.Entity} '{r.Word}' {r.Start}-{r.End} {r.Score:F4}{(r.Index is int i ? $" #{i}" : "")}"));

    [Theory]
    [InlineData(AggregationStrategy.None,
        "B-PER 'hello' 0-5 0.7000 #1 | I-PER 'un' 6-8 0.6000 #2 | B-LOC '##aff' 8-11 0.8000 #3 | I-PER '##able' 11-15 0.5000 #4 | B-LOC 'world' 16-21 0.7000 #5")]
    // Same type, not B-: "un" joins "hello"; the B-LOC sub-word starts a group; the O group is dropped.
    [InlineData(AggregationStrategy.Simple,
        "PER 'hello un' 0-8 0.6500 | LOC '##aff' 8-11 0.8000 | PER '##able' 11-15 0.5000 | LOC 'world' 16-21 0.7000")]
    // Word "unaffable" takes the first sub-token's label I-PER (0.6) and joins "hello".
    [InlineData(AggregationStrategy.First, "PER 'hello unaffable' 0-15 0.6500 | LOC 'world' 16-21 0.7000")]
    // The most confident sub-token is ##aff (0.8): B-LOC; a B- never merges, so "world" is its own group.
    [InlineData(AggregationStrategy.Max, "PER 'hello' 0-5 0.7000 | LOC 'unaffable' 6-15 0.8000 | LOC 'world' 16-21 0.7000")]
    // Mean of the three sub-tokens: [0.0833, 0.0833, 0.3833, 0.3333, 0.1167] → I-PER 0.3833; group mean (0.7 + 0.3833) / 2.
    [InlineData(AggregationStrategy.Average, "PER 'hello unaffable' 0-15 0.5417 | LOC 'world' 16-21 0.7000")]
    public void Aggregation_strategies_follow_hf(AggregationStrategy strategy, string expected)
    {
        var results = TokenAggregator.Aggregate(Tokens, strategy, Labels, new HashSet<string> { "O" });
        Assert.Equal(expected, Render(results));
    }

    [Fact]
    public void Join_tokens_glues_continuations_like_bert_convert_tokens_to_string()
    {
        Assert.Equal("unaffable world", TokenAggregator.JoinTokens(["un", "##aff", "##able", "world"]));
        Assert.Equal("##aff", TokenAggregator.JoinTokens(["##aff"]));
    }

    [Fact]
    public void Overlapping_entities_from_windows_keep_the_longer_then_the_more_confident()
    {
        TokenClassificationResult E(string type, int start, int end, float score) => new(type, score, type.ToLowerInvariant(), start, end);
        var merged = TokenAggregator.MergeOverlapping(
        [
            E("LOC", 37, 40, 0.9f),   // window 2: "new" cut off from "york"
            E("PER", 0, 5, 0.8f),
            E("LOC", 37, 45, 0.7f),   // window 3: the whole "new york" — longer, wins despite the lower score
            E("PER", 0, 5, 0.85f),    // the same span from another window — equal length, higher score wins
            E("LOC", 14, 19, 0.6f),
            E("LOC", 16, 19, 0.99f),  // "##is" at a window start lies inside "paris": shorter, dropped
            E("ORG", 50, 52, 0.5f),
        ]);
        Assert.Equal("PER 0-5 0.85 | LOC 14-19 0.60 | LOC 37-45 0.70 | ORG 50-52 0.50",
            string.Join(" | ", merged.Select(e => $"{e.Entity} {e.Start}-{e.End} {e.Score:F2}")));
    }
}
