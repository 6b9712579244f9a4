namespace DistilBert.Sharp.Tokenization;

/// <summary>How a batch is padded (HF's <c>padding</c> argument).</summary>
public enum PaddingStrategy
{
    /// <summary>No padding (HF <c>padding=False</c>).</summary>
    None = 0,
    /// <summary>Pad to the longest sequence of the batch (HF <c>padding=True</c> / <c>"longest"</c>).</summary>
    Longest = 1,
    /// <summary>Pad to <see cref="EncodeOptions.MaxLength"/>, or the model's maximum length when unset (HF <c>"max_length"</c>).</summary>
    MaxLength = 2,
}

/// <summary>How sequences longer than the maximum length are shortened (HF's <c>truncation</c> argument).</summary>
public enum TruncationStrategy
{
    /// <summary>No truncation (HF <c>truncation=False</c>).</summary>
    None = 0,
    /// <summary>Remove tokens one at a time from the longer of the two texts (HF <c>truncation=True</c> / <c>"longest_first"</c>).</summary>
    LongestFirst = 1,
    /// <summary>Truncate only the first text of a pair (HF <c>"only_first"</c>).</summary>
    OnlyFirst = 2,
    /// <summary>Truncate only the second text of a pair (HF <c>"only_second"</c>).</summary>
    OnlySecond = 3,
}

/// <summary>
/// Which tokens truncation removes (HF's <c>truncation_side</c>). New members may be added (for example keeping the
/// head and the tail of a long review), so code that switches on it should have a default branch.
/// </summary>
public enum TruncationSide
{
    /// <summary>Remove tokens from the end, keeping the head of the text (HF's default, <c>"right"</c>).</summary>
    Right = 0,
    /// <summary>Remove tokens from the start, keeping the tail of the text (HF <c>"left"</c>).</summary>
    Left = 1,
    /// <summary>
    /// Remove tokens from the middle: keep the first <see cref="EncodeOptions.HeadTokens"/> tokens of the text and fill
    /// the rest from its end. Sun et al. (2019, "How to Fine-Tune BERT for Text Classification?") found head + tail the
    /// best way to fit long IMDb reviews into 512 tokens. Not an HF option.
    /// </summary>
    HeadAndTail = 2,
}

/// <summary>
/// Options of <see cref="DistilBertTokenizer.Encode(string, EncodeOptions?)"/> and
/// <see cref="DistilBertTokenizer.EncodeBatch(IReadOnlyList{string}, EncodeOptions?, CancellationToken)"/>, with the
/// meaning of the HF tokenizer call's keyword arguments of the same names.
/// </summary>
public sealed record EncodeOptions
{
    /// <summary>The defaults: no padding, no truncation, special tokens added, ids and attention mask only.</summary>
    public static EncodeOptions Default { get; } = new();

    /// <summary>Padding strategy; default <see cref="PaddingStrategy.None"/>.</summary>
    public PaddingStrategy Padding { get; init; }

    /// <summary>Truncation strategy; default <see cref="TruncationStrategy.None"/>.</summary>
    public TruncationStrategy Truncation { get; init; }

    /// <summary>
    /// Maximum length in tokens, special tokens included. Used by truncation and by <see cref="PaddingStrategy.MaxLength"/>;
    /// when null those use the tokenizer's <see cref="DistilBertTokenizer.ModelMaxLength"/>.
    /// </summary>
    public int? MaxLength { get; init; }

    /// <summary>When padding, round the padded length up to a multiple of this (e.g. 8 for tensor cores).</summary>
    public int? PadToMultipleOf { get; init; }

    /// <summary>Add [CLS] and [SEP] (HF <c>add_special_tokens</c>); default true.</summary>
    public bool AddSpecialTokens { get; init; } = true;

    /// <summary>Which side truncation removes tokens from; default <see cref="TruncationSide.Right"/>.</summary>
    public TruncationSide TruncationSide { get; init; }

    /// <summary>
    /// With <see cref="TruncationSide.HeadAndTail"/>: how many leading tokens of a truncated text to keep. Default: a
    /// quarter of the tokens kept, rounded up (128 of 510 for MaxLength 512, Sun et al.'s split).
    /// </summary>
    public int? HeadTokens { get; init; }

    /// <summary>Return each token's character range in its text (HF <c>return_offsets_mapping</c>).</summary>
    public bool ReturnOffsets { get; init; }

    /// <summary>Return segment ids (0 for the first text, 1 for the second), which BERT uses and DistilBERT ignores.</summary>
    public bool ReturnTokenTypeIds { get; init; }

    /// <summary>Return a mask with 1 for added special tokens and padding, 0 for text tokens.</summary>
    public bool ReturnSpecialTokensMask { get; init; }

    /// <summary>
    /// Keep the tokens truncation removes, as extra rows (HF <c>return_overflowing_tokens</c>, fast-tokenizer semantics):
    /// a text too long for <see cref="MaxLength"/> becomes several windows, each overlapping the previous one by
    /// <see cref="Stride"/> tokens, and <see cref="BatchEncoding.OverflowToSampleMapping"/> says which input each row
    /// came from. Needs truncation on the right side; with a pair only one text can be windowed
    /// (<see cref="TruncationStrategy.OnlyFirst"/> or <see cref="TruncationStrategy.OnlySecond"/>).
    /// </summary>
    public bool ReturnOverflowingTokens { get; init; }

    /// <summary>
    /// With <see cref="ReturnOverflowingTokens"/>: how many tokens of the windowed text consecutive windows share (HF
    /// <c>stride</c>); must be smaller than the window. Default 0.
    /// </summary>
    public int Stride { get; init; }
}
