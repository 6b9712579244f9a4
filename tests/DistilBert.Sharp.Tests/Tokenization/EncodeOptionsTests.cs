using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Tests.Tokenization;

/// <summary>Pairs, truncation, padding and option validation, against hand-computed HF results.</summary>
public sealed class EncodeOptionsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly DistilBertTokenizer _tokenizer;

    public EncodeOptionsTests() => _tokenizer = TinyVocabulary.Create(_dir, modelMaxLength: 16);

    public void Dispose() => _dir.Dispose();

    private static int[] Ids(params string[] tokens) => tokens.Select(TinyVocabulary.Id).ToArray();

    [Fact]
    public void Pair_is_cls_a_sep_b_sep_with_token_types_and_special_mask()
    {
        var e = _tokenizer.Encode("a b c", "hello world", new EncodeOptions { ReturnTokenTypeIds = true, ReturnSpecialTokensMask = true });
        Assert.Equal(Ids("[CLS]", "a", "b", "c", "[SEP]", "hello", "world", "[SEP]"), e.InputIds[0]);
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1], e.TokenTypeIds![0]);
        Assert.Equal([1, 0, 0, 0, 1, 0, 0, 1], e.SpecialTokensMask![0]);
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 1], e.AttentionMask[0]);
        Assert.Null(_tokenizer.Encode("a").TokenTypeIds); // DistilBERT does not return them unless asked
    }

    [Fact]
    public void Pair_without_special_tokens_still_has_segment_ids()
    {
        var e = _tokenizer.Encode("a b", "c", new EncodeOptions { AddSpecialTokens = false, ReturnTokenTypeIds = true });
        Assert.Equal(Ids("a", "b", "c"), e.InputIds[0]);
        Assert.Equal([0, 0, 1], e.TokenTypeIds![0]);
    }

    [Theory]
    // 3 + 2 + 3 specials = 8 tokens; cut to 6.
    [InlineData(TruncationStrategy.LongestFirst, 6, new[] { "a", "b" }, new[] { "hello" })]
    [InlineData(TruncationStrategy.OnlyFirst, 6, new[] { "a" }, new[] { "hello", "world" })]
    [InlineData(TruncationStrategy.OnlySecond, 7, new[] { "a", "b", "c" }, new[] { "hello" })]
    public void Pair_truncation_strategies_cut_the_right_text(TruncationStrategy strategy, int maxLength, string[] first, string[] second)
    {
        var e = _tokenizer.Encode("a b c", "hello world", new EncodeOptions { Truncation = strategy, MaxLength = maxLength });
        Assert.Equal(Ids(["[CLS]", .. first, "[SEP]", .. second, "[SEP]"]), e.InputIds[0]);
    }

    [Fact]
    public void Longest_first_removes_from_the_second_text_on_ties()
    {
        // a b | hello world, max 6: remove 1 from equal lengths -> the second text loses it.
        var e = _tokenizer.Encode("a b", "hello world", new EncodeOptions { Truncation = TruncationStrategy.LongestFirst, MaxLength = 6 });
        Assert.Equal(Ids("[CLS]", "a", "b", "[SEP]", "hello", "[SEP]"), e.InputIds[0]);
    }

    [Fact]
    public void Truncation_defaults_to_model_max_length_and_left_side_keeps_the_tail()
    {
        string text = string.Join(" ", Enumerable.Repeat("a b c", 10)); // 30 tokens
        var right = _tokenizer.Encode(text, new EncodeOptions { Truncation = TruncationStrategy.LongestFirst });
        Assert.Equal(16, right.InputIds[0].Length);
        Assert.Equal(Ids("[CLS]", "a", "b", "c"), right.InputIds[0][..4]);
        var left = _tokenizer.Encode("a b c hello", new EncodeOptions { Truncation = TruncationStrategy.LongestFirst, MaxLength = 4, TruncationSide = TruncationSide.Left });
        Assert.Equal(Ids("[CLS]", "c", "hello", "[SEP]"), left.InputIds[0]);
    }

    [Fact]
    public void Padding_longest_rounds_up_to_a_multiple_and_masks_padding()
    {
        var e = _tokenizer.EncodeBatch(["a", "a b c"], new EncodeOptions { Padding = PaddingStrategy.Longest, PadToMultipleOf = 4, ReturnSpecialTokensMask = true, ReturnOffsets = true });
        Assert.Equal(Ids("[CLS]", "a", "[SEP]", "[PAD]", "[PAD]", "[PAD]", "[PAD]", "[PAD]"), e.InputIds[0]);
        Assert.Equal([1, 1, 1, 0, 0, 0, 0, 0], e.AttentionMask[0]);
        Assert.Equal([1, 1, 1, 1, 1, 0, 0, 0], e.AttentionMask[1]);
        Assert.Equal([1, 0, 1, 1, 1, 1, 1, 1], e.SpecialTokensMask![0]);
        Assert.Equal((0, 0), e.Offsets![0][7]);
    }

    [Fact]
    public void Padding_max_length_defaults_to_model_max_length_and_leaves_longer_rows_alone()
    {
        var e = _tokenizer.EncodeBatch(["a", "b"], new EncodeOptions { Padding = PaddingStrategy.MaxLength });
        Assert.All(e.InputIds, row => Assert.Equal(16, row.Length));
        string longText = string.Join(" ", Enumerable.Repeat("a", 20));
        var untruncated = _tokenizer.Encode(longText, new EncodeOptions { Padding = PaddingStrategy.MaxLength, MaxLength = 8 });
        Assert.Equal(22, untruncated.InputIds[0].Length); // HF: padding never truncates
        Assert.All(untruncated.AttentionMask[0], m => Assert.Equal(1, m));
    }

    [Fact]
    public void Bad_inputs_and_option_combinations_are_rejected_with_a_message()
    {
        Assert.Throws<ArgumentNullException>(() => _tokenizer.Encode(null!));
        Assert.Throws<ArgumentNullException>(() => _tokenizer.EncodeToIds(null!));
        Assert.Throws<ArgumentNullException>(() => _tokenizer.EncodeBatch(["a", null!]));
        string[] many = [.. Enumerable.Repeat("a", 100), null!];
        Assert.Throws<ArgumentNullException>(() => _tokenizer.EncodeBatch(many));
        // A row that cannot be truncated fails with the same ArgumentException in a parallel batch.
        string[] firsts = Enumerable.Repeat("a b c", 100).ToArray(), seconds = Enumerable.Repeat("hello world", 100).ToArray();
        Assert.Throws<ArgumentException>(() => _tokenizer.EncodeBatch(firsts, seconds, new EncodeOptions { Truncation = TruncationStrategy.OnlySecond, MaxLength = 5 }));
        Assert.Throws<ArgumentException>(() => _tokenizer.EncodeBatch(["a"], ["b", "c"]));
        var tooSmall = Assert.Throws<ArgumentException>(() => _tokenizer.Encode("a", "b", new EncodeOptions { Truncation = TruncationStrategy.LongestFirst, MaxLength = 3 }));
        Assert.Contains("special tokens", tooSmall.Message);
        var ignored = Assert.Throws<ArgumentException>(() => _tokenizer.Encode("a", new EncodeOptions { MaxLength = 8 }));
        Assert.Contains("no effect", ignored.Message);
        var multiple = Assert.Throws<ArgumentException>(() => _tokenizer.Encode("a", new EncodeOptions { Truncation = TruncationStrategy.LongestFirst, Padding = PaddingStrategy.Longest, MaxLength = 6, PadToMultipleOf = 4 }));
        Assert.Contains("multiple", multiple.Message);
        Assert.Throws<ArgumentException>(() => _tokenizer.Encode("a", new EncodeOptions { Truncation = TruncationStrategy.OnlySecond }));
        var cannot = Assert.Throws<ArgumentException>(() => _tokenizer.Encode("a b c", "hello world", new EncodeOptions { Truncation = TruncationStrategy.OnlySecond, MaxLength = 5 }));
        Assert.Contains("second text has only 2", cannot.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => _tokenizer.Encode("a", new EncodeOptions { Padding = (PaddingStrategy)7 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _tokenizer.Encode("a", new EncodeOptions { Padding = PaddingStrategy.Longest, PadToMultipleOf = 0 }));
    }

    [Fact]
    public void Large_batches_run_in_parallel_but_give_the_sequential_result_in_order()
    {
        var texts = Enumerable.Range(0, 300).Select(i => string.Join(" ", Enumerable.Repeat(i % 3 == 0 ? "unaffable" : "hello, world", 1 + i % 7))).ToArray();
        Assert.True(texts.Length >= DistilBertTokenizer.ParallelThreshold);
        var batch = _tokenizer.EncodeBatch(texts, new EncodeOptions { Padding = PaddingStrategy.Longest });
        int width = texts.Max(t => _tokenizer.EncodeToIds(t).Length);
        for (int i = 0; i < texts.Length; i++)
        {
            int[] single = _tokenizer.EncodeToIds(texts[i]);
            Assert.Equal(single, batch.InputIds[i][..single.Length]);
            Assert.Equal(width, batch.InputIds[i].Length);
        }
    }

    [Fact]
    public void Cancellation_stops_a_batch()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var texts = Enumerable.Repeat("hello world", 100).ToArray();
        Assert.ThrowsAny<OperationCanceledException>(() => _tokenizer.EncodeBatch(texts, cancellationToken: cts.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => _tokenizer.EncodeBatch(texts[..3], cancellationToken: cts.Token));
    }

    [Fact]
    public void ToTensors_gives_int64_rows_and_rejects_ragged_batches()
    {
        var e = _tokenizer.EncodeBatch(["a", "a b c"], new EncodeOptions { Padding = PaddingStrategy.Longest, ReturnTokenTypeIds = true });
        var inputs = e.ToTensors();
        using var ids = inputs.InputIds;
        using var mask = inputs.AttentionMask!;
        using var types = inputs.TokenTypeIds!;
        Assert.Equal(TorchSharp.torch.ScalarType.Int64, ids.dtype);
        Assert.Equal([2L, 5L], ids.shape);
        Assert.Equal(e.InputIds.SelectMany(r => r.Select(v => (long)v)).ToArray(), ids.data<long>().ToArray());
        Assert.Equal(e.AttentionMask.SelectMany(r => r.Select(v => (long)v)).ToArray(), mask.data<long>().ToArray());
        Assert.Equal([2L, 5L], types.shape);
        var ragged = _tokenizer.EncodeBatch(["a", "a b c"]);
        Assert.Contains("Padding", Assert.Throws<InvalidOperationException>(() => ragged.ToTensors()).Message);
    }

    public static TheoryData<EncodeOptions> BatchOptions() =>
    [
        new EncodeOptions(),
        new EncodeOptions { Padding = PaddingStrategy.Longest, PadToMultipleOf = 8, ReturnSpecialTokensMask = true },
        new EncodeOptions { Truncation = TruncationStrategy.LongestFirst, MaxLength = 6, Padding = PaddingStrategy.MaxLength, ReturnTokenTypeIds = true },
        new EncodeOptions { Truncation = TruncationStrategy.LongestFirst, MaxLength = 5, TruncationSide = TruncationSide.Left, AddSpecialTokens = false },
    ];

    [Theory]
    [MemberData(nameof(BatchOptions))]
    public void PrepareForModel_on_pretokenized_ids_equals_EncodeBatch_on_the_texts(EncodeOptions options)
    {
        string[] texts = ["Hello, world!", "unaffable playing a b c hello world", "", "中文 cafe"];
        var expected = _tokenizer.EncodeBatch(texts, options);
        var actual = _tokenizer.PrepareForModel(texts.Select(t => _tokenizer.EncodeToIds(t, addSpecialTokens: false)).ToArray(), options);
        Assert.Equal(expected.InputIds, actual.InputIds);
        Assert.Equal(expected.AttentionMask, actual.AttentionMask);
        Assert.Equal(expected.TokenTypeIds, actual.TokenTypeIds);
        Assert.Equal(expected.SpecialTokensMask, actual.SpecialTokensMask);
        Assert.Throws<ArgumentException>(() => _tokenizer.PrepareForModel([[5, 999]]));
    }

    [Fact]
    public void Head_and_tail_truncation_keeps_the_start_and_the_end_of_a_long_text()
    {
        const string text = "a b c hello world c b"; // 7 tokens; MaxLength 6 keeps 4 of them
        var byDefault = _tokenizer.Encode(text, new EncodeOptions { Truncation = TruncationStrategy.LongestFirst, MaxLength = 6, TruncationSide = TruncationSide.HeadAndTail });
        Assert.Equal(Ids("[CLS]", "a", "world", "c", "b", "[SEP]"), byDefault.InputIds[0]); // head = ceil(4 / 4) = 1
        var twoHead = _tokenizer.Encode(text, new EncodeOptions
        {
            Truncation = TruncationStrategy.LongestFirst, MaxLength = 6, TruncationSide = TruncationSide.HeadAndTail, HeadTokens = 2, ReturnOffsets = true,
        });
        Assert.Equal(Ids("[CLS]", "a", "b", "c", "b", "[SEP]"), twoHead.InputIds[0]);
        Assert.Equal([(0, 0), (0, 1), (2, 3), (18, 19), (20, 21), (0, 0)], twoHead.Offsets![0]);
        Assert.Throws<ArgumentException>(() => _tokenizer.Encode(text, new EncodeOptions { Truncation = TruncationStrategy.LongestFirst, MaxLength = 6, HeadTokens = 2 }));
    }
}
