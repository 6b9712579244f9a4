using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Tests.SunEtAl;

/// <summary>Sun et al.'s head + tail truncation at 512 tokens, on a vocabulary whose ids are known (w_i has id 5 + i).</summary>
public sealed class HeadTailTruncationTests : IDisposable
{
    private const int Words = 600;
    private readonly TempDirectory _dir = new();
    private readonly DistilBertTokenizer _tokenizer;

    public HeadTailTruncationTests()
    {
        string[] vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. Enumerable.Range(0, Words).Select(i => $"w{i}")];
        File.WriteAllText(_dir.Combine("vocab.txt"), string.Join("\n", vocab) + "\n");
        File.WriteAllText(_dir.Combine("tokenizer_config.json"), """{"do_lower_case": true, "model_max_length": 512}""");
        _tokenizer = DistilBertTokenizer.FromPretrained(_dir.Path);
    }

    public void Dispose() => _dir.Dispose();

    private static string Review => string.Join(' ', Enumerable.Range(0, Words).Select(i => $"w{i}"));

    private static int WordId(int i) => 5 + i;

    [Theory]
    [InlineData(128)] // Sun et al.: head 128 + tail 382
    [InlineData(0)]   // pure tail, still with [CLS]/[SEP]
    [InlineData(510)] // pure head
    [InlineData(1000)] // more than fits: all head
    public void Head_and_tail_keeps_first_HeadTokens_and_last_remaining_content_tokens_between_CLS_and_SEP(int headTokens)
    {
        var e = _tokenizer.Encode(Review, new EncodeOptions
        {
            Truncation = TruncationStrategy.LongestFirst, MaxLength = 512, TruncationSide = TruncationSide.HeadAndTail, HeadTokens = headTokens,
        });
        int head = Math.Min(headTokens, 510), tail = 510 - head;
        int[] expected = [2, .. Enumerable.Range(0, head).Select(WordId), .. Enumerable.Range(Words - tail, tail).Select(WordId), 3];
        Assert.Equal(expected, e.InputIds[0]);
    }

    [Fact]
    public void Default_split_is_a_quarter_head_which_is_128_at_512_and_short_texts_are_untouched()
    {
        var options = new EncodeOptions { Truncation = TruncationStrategy.LongestFirst, MaxLength = 512, TruncationSide = TruncationSide.HeadAndTail };
        var e = _tokenizer.Encode(Review, options);
        int[] expected = [2, .. Enumerable.Range(0, 128).Select(WordId), .. Enumerable.Range(Words - 382, 382).Select(WordId), 3];
        Assert.Equal(expected, e.InputIds[0]);
        var shortText = _tokenizer.Encode("w1 w2 w3", options);
        Assert.Equal([2, WordId(1), WordId(2), WordId(3), 3], shortText.InputIds[0]);
    }

    [Fact]
    public void Head_and_tail_differs_from_head_and_from_tail_only_in_which_content_is_kept()
    {
        EncodeOptions With(TruncationSide side) => new() { Truncation = TruncationStrategy.LongestFirst, MaxLength = 512, TruncationSide = side };
        var headOnly = _tokenizer.Encode(Review, With(TruncationSide.Right)).InputIds[0];
        var tailOnly = _tokenizer.Encode(Review, With(TruncationSide.Left)).InputIds[0];
        Assert.Equal([2, .. Enumerable.Range(0, 510).Select(WordId), 3], headOnly);
        Assert.Equal([2, .. Enumerable.Range(90, 510).Select(WordId), 3], tailOnly);
    }
}
