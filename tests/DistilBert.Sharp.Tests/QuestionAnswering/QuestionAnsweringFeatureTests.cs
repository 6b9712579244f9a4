using DistilBert.Sharp.Data;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tests.Tokenization;
using DistilBert.Sharp.Training.Metrics;

namespace DistilBert.Sharp.Tests.QuestionAnswering;

/// <summary>
/// run_qa.py's prepare_train/validation_features and utils_qa.py's post-processing, on hand-worked windows.
/// Question "hello" (1 token); context "a b c the world playing" = a(0,1) b(2,3) c(4,5) the(6,9) world(10,15)
/// play(16,20) ##ing(20,23). MaxLength 8 leaves 4 context tokens per window; stride 2 → windows start at context
/// token 0, 2, 4: W0 = [CLS] hello [SEP] a b c the [SEP], W1 = … c the world play [SEP], W2 = … world play ##ing [SEP].
/// </summary>
public class QuestionAnsweringFeatureTests
{
    private const string Context = "a b c the world playing";
    private static readonly QuestionAnsweringOptions Windows = new() { MaxLength = 8, DocStride = 2 };

    private static QuestionAnsweringExample Example(string id, params AnswerSpan[] answers) => new(id, "  hello", Context, answers);

    [Theory]
    // Answer wholly in W2 only; W1 cuts it (its last context token "play" ends at 20 < 23).
    [InlineData("world playing", 10, new[] { 0, 0, 0, 0, 3, 5 })]
    // "the" lies in W0 and W1 (two windows can both hold the answer), not in W2.
    [InlineData("the", 6, new[] { 6, 6, 4, 4, 0, 0 })]
    // A sub-word split answer: play ##ing, both tokens of W2.
    [InlineData("playing", 16, new[] { 0, 0, 0, 0, 4, 5 })]
    [InlineData("a", 0, new[] { 3, 3, 0, 0, 0, 0 })]
    public void Start_and_end_positions_per_window_match_hand_computed_tokens(string text, int start, int[] expected)
    {
        using var dir = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(dir, modelMaxLength: 64);
        var ds = QuestionAnsweringDataset.Prepare([Example("q", new AnswerSpan(text, start))], tokenizer, Windows);
        Assert.Equal(3, ds.Count);
        Assert.Equal(expected, Enumerable.Range(0, 3).SelectMany(f => new[] { ds[f].StartPosition!.Value, ds[f].EndPosition!.Value }));
        Assert.All(Enumerable.Range(0, 3), f => Assert.Equal(0, ds[f].ExampleIndex));
    }

    [Fact]
    public void Unanswerable_questions_point_at_cls_and_context_offsets_hide_the_question()
    {
        using var dir = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(dir, modelMaxLength: 64);
        var ds = QuestionAnsweringDataset.Prepare([Example("x", new AnswerSpan("a", 0)), Example("none")], tokenizer, Windows);
        Assert.Equal(6, ds.Count);
        Assert.Equal(new[] { 0, 0, 0, 1, 1, 1 }, Enumerable.Range(0, 6).Select(f => ds[f].ExampleIndex));
        Assert.All(Enumerable.Range(3, 3), f => Assert.Equal((0, 0), (ds[f].StartPosition!.Value, ds[f].EndPosition!.Value)));
        var offsets = ds[1].ContextOffsets!;
        Assert.Equal(new (int, int)?[] { null, null, null, (4, 5), (6, 9), (10, 15), (16, 20), null }, offsets);
    }

    [Fact]
    public void An_answer_that_is_not_a_span_of_its_context_is_refused_naming_the_example()
    {
        using var dir = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(dir, modelMaxLength: 64);
        var ex = Assert.Throws<ArgumentException>(() =>
            QuestionAnsweringDataset.Prepare([Example("ok", new AnswerSpan("a", 0)), Example("bad", new AnswerSpan("world", 3))], tokenizer, Windows));
        Assert.Contains("Example 1 ('bad')", ex.Message);
        Assert.Throws<ArgumentException>(() => QuestionAnsweringDataset.Prepare([Example("far", new AnswerSpan("a", 99))], tokenizer, Windows));
    }

    /// <summary>Zero logits except the listed (feature, position, start, end) values.</summary>
    private static (float[][] Start, float[][] End) Logits(QuestionAnsweringDataset ds, params (int F, int T, float S, float E)[] values)
    {
        var start = Enumerable.Range(0, ds.Count).Select(f => new float[ds[f].InputIds.Length]).ToArray();
        var end = Enumerable.Range(0, ds.Count).Select(f => new float[ds[f].InputIds.Length]).ToArray();
        foreach (var (f, t, s, e) in values)
        {
            start[f][t] = s;
            end[f][t] = e;
        }
        return (start, end);
    }

    [Fact]
    public void Post_processing_picks_the_best_span_over_windows_honours_max_answer_length_and_v2_null_threshold()
    {
        using var dir = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(dir, modelMaxLength: 64);
        var ds = QuestionAnsweringDataset.Prepare([Example("q", new AnswerSpan("world playing", 10))], tokenizer, Windows);
        // W0: "the" start 4 + end 3 = 7; W2: start at "world" 5, end at "##ing" 5 → "world playing" = 10.
        // [CLS] scores: W0 1 + 1, W1 −1 + −1 (the minimum, −2), W2 0.
        var (start, end) = Logits(ds, (0, 6, 4, 3), (2, 3, 5, 0), (2, 5, 0, 5), (0, 0, 1, 1), (1, 0, -1, -1));

        var v1 = QuestionAnsweringPostProcessor.Process(ds, start, end, new QuestionAnsweringPostProcessingOptions { NBestSize = 2 })[0];
        Assert.Equal("world playing", v1.Text);
        Assert.Equal(["world playing", "the"], v1.NBest.Select(c => c.Text));
        Assert.Equal(1 / (1 + Math.Exp(-3)), v1.NBest[0].Probability, 6);
        Assert.Equal((10, 23), (v1.NBest[0].Start, v1.NBest[0].End));
        Assert.Null(v1.NullScoreDiff);

        // A 3-token answer is too long for MaxAnswerLength 2: "the" wins.
        var shortOnly = QuestionAnsweringPostProcessor.Process(ds, start, end, new QuestionAnsweringPostProcessingOptions { NBestSize = 2, MaxAnswerLength = 2 })[0];
        Assert.Equal("the", shortOnly.Text);

        // v2: null score −2 − best span 10 = −12; answer unless the threshold is below −12.
        var v2 = QuestionAnsweringPostProcessor.Process(ds, start, end, new QuestionAnsweringPostProcessingOptions { NBestSize = 2, Version2WithNegative = true })[0];
        Assert.Equal("world playing", v2.Text);
        Assert.Equal(-12, v2.NullScoreDiff!.Value, 6);
        Assert.Contains(v2.NBest, c => c.Text == "" && Math.Abs(c.StartLogit + 1) < 1e-6); // the null candidate comes from W1
        var strict = QuestionAnsweringPostProcessor.Process(ds, start, end,
            new QuestionAnsweringPostProcessingOptions { NBestSize = 2, Version2WithNegative = true, NullScoreDiffThreshold = -13 })[0];
        Assert.Equal("", strict.Text);
    }

    [Fact]
    public void V2_answers_nothing_when_every_window_prefers_cls()
    {
        using var dir = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(dir, modelMaxLength: 64);
        var ds = QuestionAnsweringDataset.Prepare([Example("none")], tokenizer, Windows);
        // [CLS]: W0 16, W1 12 (minimum), W2 14; best span "world playing" 1 + 1 = 2 → diff 10 > 0 → "".
        var (start, end) = Logits(ds, (0, 0, 8, 8), (1, 0, 6, 6), (2, 0, 7, 7), (2, 3, 1, 0), (2, 5, 0, 1));
        var prediction = QuestionAnsweringPostProcessor.Process(ds, start, end, new QuestionAnsweringPostProcessingOptions { Version2WithNegative = true })[0];
        Assert.Equal("", prediction.Text);
        Assert.Equal(10, prediction.NullScoreDiff!.Value, 6);
        Assert.Equal(100, SquadScores.Compute([prediction.Text], [[]])["exact_match"]);
    }
}
