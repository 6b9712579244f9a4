using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Runtime;
using TorchSharp;

namespace DistilBert.Sharp.Tokenization;

/// <summary>
/// The result of encoding one or more texts: one row per text (or text pair), HF's <c>BatchEncoding</c>.
/// </summary>
/// <remarks>Rows have equal length when padding was requested; <see cref="ToTensors"/> needs that.</remarks>
public sealed class BatchEncoding
{
    internal BatchEncoding(int[][] inputIds, int[][] attentionMask, int[][]? tokenTypeIds, int[][]? specialTokensMask,
        (int Start, int End)[][]? offsets, int[]?[]? wordIds = null, SequenceLayout[]? layouts = null, bool[]? isContinuation = null, int[]? overflowToSampleMapping = null)
    {
        _wordIds = wordIds;
        _isContinuation = isContinuation;
        _layouts = layouts;
        OverflowToSampleMapping = overflowToSampleMapping;
        InputIds = inputIds;
        AttentionMask = attentionMask;
        TokenTypeIds = tokenTypeIds;
        SpecialTokensMask = specialTokensMask;
        Offsets = offsets;
    }

    private readonly int[]?[]? _wordIds;
    private readonly bool[]? _isContinuation;
    private readonly SequenceLayout[]? _layouts;

    /// <summary>Number of rows (texts or text pairs).</summary>
    public int Count => InputIds.Count;

    /// <summary>Token ids per row.</summary>
    public IReadOnlyList<int[]> InputIds { get; }

    /// <summary>1 for real tokens, 0 for padding, per row.</summary>
    public IReadOnlyList<int[]> AttentionMask { get; }

    /// <summary>Segment ids per row (0 = first text, 1 = second), when <see cref="EncodeOptions.ReturnTokenTypeIds"/> was set.</summary>
    public IReadOnlyList<int[]>? TokenTypeIds { get; }

    /// <summary>1 for added special tokens and padding, 0 for text tokens, when <see cref="EncodeOptions.ReturnSpecialTokensMask"/> was set.</summary>
    public IReadOnlyList<int[]>? SpecialTokensMask { get; }

    /// <summary>
    /// Each token's [Start, End) range of UTF-16 chars in the text it came from (the first or the second text of a
    /// pair: see <see cref="TokenTypeIds"/>); (0, 0) for added special tokens and padding. Set when
    /// <see cref="EncodeOptions.ReturnOffsets"/> was requested.
    /// </summary>
    public IReadOnlyList<(int Start, int End)[]>? Offsets { get; }

    /// <summary>
    /// With <see cref="EncodeOptions.ReturnOverflowingTokens"/>: the index of the input text (or pair) each row is a
    /// window of (HF's <c>overflow_to_sample_mapping</c>); null otherwise.
    /// </summary>
    public IReadOnlyList<int>? OverflowToSampleMapping { get; }

    /// <summary>
    /// HF's <c>word_ids(batch_index)</c>: for each token of row <paramref name="row"/>, the index of the word it came
    /// from, null for special tokens and padding. Words are the pre-tokenizer's (whitespace- and punctuation-split) for
    /// raw text, and the caller's words for <see cref="DistilBertTokenizer.EncodeWords"/> (HF <c>is_split_into_words</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The rows came from <see cref="DistilBertTokenizer.PrepareForModel"/> (no words known).</exception>
    public IReadOnlyList<int?> WordIds(int row = 0)
    {
        if (_wordIds?[row] is int[] words)
        {
            var known = new int?[words.Length];
            for (int i = 0; i < words.Length; i++) known[i] = words[i] < 0 ? null : words[i];
            return known;
        }
        if (_isContinuation is null || _layouts is null)
            throw new InvalidOperationException("Word ids are known only for encodings made from text, not from PrepareForModel ids.");
        var layout = _layouts[row];
        int[] ids = InputIds[row];
        var result = new int?[ids.Length];
        Fill(layout.FirstStart, layout.FirstCount, layout.FirstWord);
        Fill(layout.SecondStart, layout.SecondCount, layout.SecondWord);
        return result;

        // A word is a first piece and the "##" continuations after it; a window may start inside a word.
        void Fill(int start, int count, int word)
        {
            for (int k = 0; k < count; k++)
            {
                if (k > 0 && !_isContinuation[ids[start + k]]) word++;
                result[start + k] = word;
            }
        }
    }

    /// <summary>
    /// HF's <c>sequence_ids(batch_index)</c>: for each token of row <paramref name="row"/>, 0 for the first text, 1 for
    /// the second text of a pair, null for special tokens and padding.
    /// </summary>
    public IReadOnlyList<int?> SequenceIds(int row = 0)
    {
        var layout = (_layouts ?? throw new InvalidOperationException("Sequence ids are not available for this encoding."))[row];
        var result = new int?[InputIds[row].Length];
        for (int i = 0; i < layout.FirstCount; i++) result[layout.FirstStart + i] = 0;
        for (int i = 0; i < layout.SecondCount; i++) result[layout.SecondStart + i] = 1;
        return result;
    }

    /// <summary>
    /// Makes int64 tensors of shape [rows, length] on <paramref name="device"/> (CPU when null). The caller owns
    /// (disposes) them; inside a dispose scope they join that scope.
    /// </summary>
    /// <exception cref="InvalidOperationException">The rows have different lengths (encode with padding).</exception>
    public ModelInputs ToTensors(torch.Device? device = null)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var inputIds = ToTensor(InputIds, nameof(InputIds), device);
        var mask = ToTensor(AttentionMask, nameof(AttentionMask), device);
        var typeIds = TokenTypeIds is null ? null : ToTensor(TokenTypeIds, nameof(TokenTypeIds), device);
        inputIds.MoveToOuterDisposeScope();
        mask.MoveToOuterDisposeScope();
        typeIds?.MoveToOuterDisposeScope();
        return new ModelInputs(inputIds, mask, typeIds);
    }

    private static torch.Tensor ToTensor(IReadOnlyList<int[]> rows, string name, torch.Device? device)
    {
        int width = rows.Count == 0 ? 0 : rows[0].Length;
        var flat = new long[(long)rows.Count * width];
        for (int r = 0; r < rows.Count; r++)
        {
            int[] row = rows[r];
            if (row.Length != width)
                throw new InvalidOperationException(
                    $"{name}: row {r} has {row.Length} tokens but row 0 has {width}; encode with Padding = Longest or MaxLength to make tensors.");
            for (int c = 0; c < width; c++) flat[(long)r * width + c] = row[c];
        }
        var tensor = torch.tensor(flat, [rows.Count, width], torch.int64);
        return device is null || device.type == DeviceType.CPU ? tensor : tensor.to(device);
    }
}
