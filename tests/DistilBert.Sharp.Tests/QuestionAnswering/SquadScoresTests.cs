using System.Text;
using DistilBert.Sharp.Data;
using DistilBert.Sharp.Training.Metrics;

namespace DistilBert.Sharp.Tests.QuestionAnswering;

/// <summary>The official SQuAD normalisation, EM and F1 on hand-scored answers, and the SQuAD JSON reader.</summary>
public class SquadScoresTests
{
    [Theory]
    [InlineData("The  Cat, sat!", "cat sat")]
    [InlineData("an apple a day", "apple day")]
    [InlineData("Theater", "theater")]        // "the" only as a whole word
    [InlineData("U.S.A.", "usa")]
    [InlineData("", "")]
    public void Normalisation_lowercases_strips_punctuation_articles_and_extra_space(string text, string expected) =>
        Assert.Equal(expected, SquadScores.Normalize(text));

    [Fact]
    public void Exact_match_and_f1_follow_the_official_script()
    {
        Assert.Equal(1, SquadScores.ExactMatch("The Cat", "cat"));
        Assert.Equal(0.8, SquadScores.F1("the cat sat", "cat sat down"), 12); // P 1, R 2/3
        Assert.Equal(0, SquadScores.F1("dog", "cat"));
        Assert.Equal(1, SquadScores.F1("", ""));
        Assert.Equal(0, SquadScores.F1("cat", ""));
        // cat (best of two golds) 1/1; "" on an unanswerable 1/1; "dog house" vs "house" 0/(2/3); "" vs "x" 0/0.
        var scores = SquadScores.Compute(["cat", "", "dog house", ""], [["The dog", "a cat"], [], ["house"], ["x"]]);
        Assert.Equal(50, scores["exact_match"], 9);
        Assert.Equal(100 * (1 + 1 + 2.0 / 3) / 4, scores["f1"], 9);
    }

    [Fact]
    public async Task Squad_reader_reads_v1_and_v2_questions_and_names_missing_fields()
    {
        const string json = """
            {"version": "v2.0", "data": [{"title": "T", "paragraphs": [{"context": "Paris is in France.",
              "qas": [{"id": "a1", "question": "Where is Paris?", "answers": [{"text": "France", "answer_start": 12}]},
                      {"id": "a2", "question": "Where is Rome?", "answers": [], "is_impossible": true}]}]}]}
            """;
        var examples = await SquadReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(2, examples.Count);
        Assert.Equal(new AnswerSpan("France", 12), examples[0].Answers.Single());
        Assert.Equal("Paris is in France.", examples[1].Context);
        Assert.Empty(examples[1].Answers);
        var bad = await Assert.ThrowsAsync<InvalidDataException>(() => SquadReader.ReadAsync(
            new MemoryStream(Encoding.UTF8.GetBytes("""{"data": [{"paragraphs": [{"context": "c", "qas": [{"id": "z"}]}]}]}""")), "dev.json"));
        Assert.Contains("dev.json, question 'z': missing 'question'", bad.Message);
    }
}
