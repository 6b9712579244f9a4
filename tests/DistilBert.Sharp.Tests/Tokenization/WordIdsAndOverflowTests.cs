using System.Text.Json;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Tests.Tokenization;

/// <summary>
/// HF fast-tokenizer semantics of <c>word_ids()</c>, <c>sequence_ids()</c>, <c>is_split_into_words</c> and
/// <c>return_overflowing_tokens</c> + <c>stride</c>, on the hand-made vocabulary (expected rows worked out by hand).
/// </summary>
public class WordIdsAndOverflowTests
{
    private static int[] Ids(params string[] tokens) => tokens.Select(TinyVocabulary.Id).ToArray();

    [Fact]
    public void Word_ids_follow_the_pre_tokenizer_words_and_sub_words_share_their_word()
    {
        using var dir = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(dir, modelMaxLength: 64);
        // "don't" pre-tokenizes into 3 words (don ' t); "unaffable" is one word of 3 pieces.
        var encoding = tokenizer.Encode("Hello unaffable don't!", new EncodeOptions { ReturnOffsets = true });
        Assert.Equal(Ids("[CLS]", "hello", "un", "##aff", "##able", "don", "'", "t", "!", "[SEP]"), encoding.InputIds[0]);
        Assert.Equal(new int?[] { null, 0, 1, 1, 1, 2, 3, 4, 5, null }, encoding.WordIds());
        Assert.Equal(new int?[] { null, 0, 0, 0, 0, 0, 0, 0, 0, null }, encoding.SequenceIds());
        Assert.Equal((6, 8), encoding.Offsets![0][2]);
        Assert.Equal((8, 11), encoding.Offsets[0][3]);
    }

    [Fact]
    public void Sequence_ids_mark_the_two_texts_of_a_pair_and_padding_is_none()
    {
        using var dir = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(dir, modelMaxLength: 64);
        var encoding = tokenizer.Encode("hello", "world playing", new EncodeOptions { Padding = PaddingStrategy.MaxLength, MaxLength = 9 });
        Assert.Equal(new int?[] { null, 0, null, 1, 1, 1, null, null, null }, encoding.SequenceIds());
        // Word ids restart in the second text, as HF's do.
        Assert.Equal(new int?[] { null, 0, null, 0, 1, 1, null, null, null }, encoding.WordIds());
    }

    [Fact]
    public void Split_into_words_keeps_the_callers_word_index_even_when_a_word_splits_at_punctuation()
    {
        using var dir = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(dir, modelMaxLength: 64);
        var encoding = tokenizer.EncodeWords(["Hello", "don't", "playing"], new EncodeOptions { ReturnOffsets = true });
        Assert.Equal(Ids("[CLS]", "hello", "don", "'", "t", "play", "##ing", "[SEP]"), encoding.InputIds[0]);
        Assert.Equal(new int?[] { null, 0, 1, 1, 1, 2, 2, null }, encoding.WordIds());
        // Offsets are relative to each word (HF).
        Assert.Equal(new[] { (0, 0), (0, 5), (0, 3), (3, 4), (4, 5), (0, 4), (4, 7), (0, 0) }, encoding.Offsets![0]);
    }

    [Theory]
    // 7 text tokens (hello world un ##aff ##able play ##ing), MaxLength 6 → windows of 4 tokens, starting every 4 − stride.
    [InlineData(0, new[] { 0, 4 })]
    [InlineData(1, new[] { 0, 3 })]
    [InlineData(2, new[] { 0, 2, 4 })]
    [InlineData(3, new[] { 0, 1, 2, 3 })]
    public void Overflow_windows_of_a_single_text_start_every_window_minus_stride_tokens(int stride, int[] starts)
    {
        using var dir = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(dir, modelMaxLength: 64);
        string[] pieces = ["hello", "world", "un", "##aff", "##able", "play", "##ing"];
        var encoding = tokenizer.EncodeBatch(["hello", "hello world unaffable playing"], new EncodeOptions
        {
            Truncation = TruncationStrategy.LongestFirst, MaxLength = 6, ReturnOverflowingTokens = true, Stride = stride, ReturnOffsets = true,
        });
        Assert.Equal([0, .. Enumerable.Repeat(1, starts.Length)], encoding.OverflowToSampleMapping);
        Assert.Equal(Ids("[CLS]", "hello", "[SEP]"), encoding.InputIds[0]);
        for (int w = 0; w < starts.Length; w++)
        {
            int stop = Math.Min(starts[w] + 4, 7);
            Assert.Equal(Ids(["[CLS]", .. pieces[starts[w]..stop], "[SEP]"]), encoding.InputIds[w + 1]);
        }
        // The last window ends the text; every window carries the offsets of its own tokens into the text.
        Assert.Equal((22, 26), encoding.Offsets![starts.Length][^3]); // "play" of "hello world unaffable playing"
    }

    [Fact]
    public void Only_second_overflow_repeats_the_question_and_windows_the_context()
    {
        using var dir = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(dir, modelMaxLength: 64);
        // question 1 token; MaxLength 8 leaves 8 − 3 − 1 = 4 context tokens per window; stride 2 → starts 0, 2, 4.
        var encoding = tokenizer.Encode("hello", "hello world unaffable playing", new EncodeOptions
        {
            Truncation = TruncationStrategy.OnlySecond, MaxLength = 8, ReturnOverflowingTokens = true, Stride = 2,
            ReturnOffsets = true, ReturnTokenTypeIds = true,
        });
        Assert.Equal(3, encoding.Count);
        Assert.Equal(new[] { 0, 0, 0 }, encoding.OverflowToSampleMapping);
        Assert.Equal(Ids("[CLS]", "hello", "[SEP]", "un", "##aff", "##able", "play", "[SEP]"), encoding.InputIds[1]);
        Assert.Equal(new int?[] { null, 0, null, 1, 1, 1, 1, null }, encoding.SequenceIds(1));
        Assert.Equal(new int?[] { null, 0, null, 2, 2, 2, 3, null }, encoding.WordIds(1));
        Assert.Equal(new[] { 0, 0, 0, 1, 1, 1, 1 }, encoding.TokenTypeIds![2]);
        Assert.Equal((14, 17), encoding.Offsets![1][4]); // "##aff" in the context
    }

    [Fact]
    public void Bad_overflow_settings_are_refused_with_the_reason()
    {
        using var dir = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(dir, modelMaxLength: 64);
        var tooBigStride = new EncodeOptions { Truncation = TruncationStrategy.LongestFirst, MaxLength = 6, ReturnOverflowingTokens = true, Stride = 4 };
        Assert.Contains("Stride = 4", Assert.Throws<ArgumentException>(() => tokenizer.Encode("hello world unaffable playing", tooBigStride)).Message);
        var longestFirstPair = new EncodeOptions { Truncation = TruncationStrategy.LongestFirst, MaxLength = 6, ReturnOverflowingTokens = true };
        Assert.Throws<ArgumentException>(() => tokenizer.Encode("a", "b", longestFirstPair));
        Assert.Throws<ArgumentException>(() => tokenizer.Encode("a", new EncodeOptions { ReturnOverflowingTokens = true }));
        Assert.Throws<InvalidOperationException>(() => tokenizer.PrepareForModel([[5, 6]]).WordIds());
    }

    [Fact]
    public void A_window_that_starts_inside_a_word_keeps_that_words_index_and_head_tail_cuts_keep_theirs()
    {
        using var dir = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(dir, modelMaxLength: 64);
        // Words: hello 0, world 1, un ##aff ##able 2, play ##ing 3. Stride 1 → the second window starts at "##aff".
        var windows = tokenizer.Encode("hello world unaffable playing",
            new EncodeOptions { Truncation = TruncationStrategy.LongestFirst, MaxLength = 6, ReturnOverflowingTokens = true, Stride = 1 });
        Assert.Equal(new int?[] { null, 2, 2, 3, 3, null }, windows.WordIds(1));
        // Head 1 + tail 3 tokens: hello | ##able play ##ing.
        var headTail = tokenizer.Encode("hello world unaffable playing",
            new EncodeOptions { Truncation = TruncationStrategy.LongestFirst, MaxLength = 6, TruncationSide = TruncationSide.HeadAndTail, HeadTokens = 1 });
        Assert.Equal(Ids("[CLS]", "hello", "##able", "play", "##ing", "[SEP]"), headTail.InputIds[0]);
        Assert.Equal(new int?[] { null, 0, 2, 3, 3, null }, headTail.WordIds());
    }

    [SkippableFact]
    public void A_head_and_tail_cut_keeps_every_kept_tokens_word_id_on_445_real_texts()
    {
        // Invariant: cutting tokens out of a text does not renumber the words of the tokens kept (the uncut row derives
        // word ids from its layout on demand; the cut row stores them, counted from the start of the text).
        var tokenizer = DistilBertTokenizer.FromPretrained(SharedData.RequireModel("distilbert-base-uncased"));
        string path = SharedData.RequireFixture(Path.Combine("tokenizer", "distilbert-base-uncased.jsonl"));
        int compared = 0;
        foreach (string line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            using var doc = JsonDocument.Parse(line);
            string text = doc.RootElement.GetProperty("text").GetString()!;
            var full = tokenizer.Encode(text).WordIds();
            int n = full.Count - 2;
            if (n < 4) continue;
            var cut = tokenizer.Encode(text, new EncodeOptions
            {
                Truncation = TruncationStrategy.LongestFirst, MaxLength = n + 1, TruncationSide = TruncationSide.HeadAndTail, HeadTokens = 2,
            }).WordIds();
            // cut = [CLS] t0 t1 | t3 … t(n-1) [SEP]: token 2 is dropped.
            Assert.Equal(full.Take(3), cut.Take(3));
            Assert.Equal(full.Skip(4), cut.Skip(3));
            compared++;
        }
        Assert.True(compared > 400, $"only {compared} texts compared");
    }
}
