namespace DistilBert.Sharp.Data;

/// <summary>
/// An in-memory, already tokenized text-classification dataset: token ids per example plus labels of one
/// <see cref="LabelKind"/>. Batches are made from it by <see cref="DataCollatorWithPadding"/>.
/// </summary>
/// <remarks>
/// The dataset holds plain managed arrays, never tensors, so it costs no native memory and can be shuffled, split
/// and sampled freely; tensors are created only by the collator, one batch at a time.
/// </remarks>
public sealed partial class TextClassificationDataset : IModelDataset
{
    private readonly IReadOnlyList<int[]> _inputIds;
    private readonly long[]? _classLabels;
    private readonly float[][]? _floatLabels;
    private readonly IReadOnlyList<int[]>? _tokenTypeIds;

    private TextClassificationDataset(IReadOnlyList<int[]> inputIds, LabelKind kind, long[]? classLabels, float[][]? floatLabels,
        IReadOnlyList<int[]>? tokenTypeIds = null)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (tokenTypeIds is not null)
        {
            if (tokenTypeIds.Count != inputIds.Count)
                throw new ArgumentException($"Got {inputIds.Count} examples but {tokenTypeIds.Count} token type id rows; they must match one to one.");
            for (int i = 0; i < inputIds.Count; i++)
            {
                if (tokenTypeIds[i]?.Length != inputIds[i]?.Length)
                    throw new ArgumentException($"Example {i} has {inputIds[i]?.Length ?? 0} token ids but {tokenTypeIds[i]?.Length ?? 0} token type ids.");
            }
        }
        _tokenTypeIds = tokenTypeIds;
        for (int i = 0; i < inputIds.Count; i++)
        {
            if (inputIds[i] is null || inputIds[i].Length == 0)
                throw new ArgumentException($"Example {i} has no token ids; every example needs at least one token.", nameof(inputIds));
        }
        int labelCount = classLabels?.Length ?? floatLabels?.Length ?? inputIds.Count;
        if (labelCount != inputIds.Count)
            throw new ArgumentException($"Got {inputIds.Count} examples but {labelCount} labels; they must match one to one.");
        if (floatLabels is not null)
        {
            for (int i = 0; i < floatLabels.Length; i++)
            {
                if (floatLabels[i] is null || floatLabels[i].Length != floatLabels[0].Length)
                    throw new ArgumentException($"Label {i} has {floatLabels[i]?.Length ?? 0} values but label 0 has {floatLabels[0].Length}; all must have the same width.");
            }
        }
        _inputIds = inputIds;
        Kind = kind;
        _classLabels = classLabels;
        _floatLabels = floatLabels;
    }

    /// <summary>A dataset for single-label classification (class indices, HF <c>single_label_classification</c>).</summary>
    /// <param name="inputIds">Token ids per example.</param>
    /// <param name="labels">Class index per example (0 … num_labels − 1).</param>
    public static TextClassificationDataset FromClassLabels(IReadOnlyList<int[]> inputIds, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        long[] copy = new long[labels.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            if (labels[i] < 0) throw new ArgumentException($"Label {i} is {labels[i]}; class labels must be non-negative.", nameof(labels));
            copy[i] = labels[i];
        }
        return new TextClassificationDataset(inputIds, LabelKind.SingleLabel, copy, null);
    }

    /// <summary>A dataset for regression (one float target per example, HF <c>regression</c>).</summary>
    /// <param name="inputIds">Token ids per example.</param>
    /// <param name="targets">Target value per example.</param>
    public static TextClassificationDataset FromRegressionTargets(IReadOnlyList<int[]> inputIds, IReadOnlyList<float> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        return new TextClassificationDataset(inputIds, LabelKind.Regression, null, targets.Select(t => new[] { t }).ToArray());
    }

    /// <summary>A dataset for multi-label classification (a multi-hot vector per example).</summary>
    /// <param name="inputIds">Token ids per example.</param>
    /// <param name="multiHotLabels">One vector of 0/1 (or soft) targets per example, all of the same width.</param>
    public static TextClassificationDataset FromMultiHotLabels(IReadOnlyList<int[]> inputIds, IReadOnlyList<float[]> multiHotLabels)
    {
        ArgumentNullException.ThrowIfNull(multiHotLabels);
        return new TextClassificationDataset(inputIds, LabelKind.MultiLabel, null, multiHotLabels.Select(v => (float[])v.Clone()).ToArray());
    }

    /// <summary>A dataset without labels, for <c>Predict</c>.</summary>
    /// <param name="inputIds">Token ids per example.</param>
    public static TextClassificationDataset Unlabeled(IReadOnlyList<int[]> inputIds) =>
        new(inputIds, LabelKind.None, null, null);

    /// <summary>What the labels are.</summary>
    public LabelKind Kind { get; }

    /// <summary>Number of examples.</summary>
    public int Count => _inputIds.Count;

    /// <summary>Returns example <paramref name="index"/>.</summary>
    public TextClassificationExample this[int index] => Kind switch
    {
        LabelKind.SingleLabel => new(_inputIds[index], _classLabels![index]) { TokenTypeIds = _tokenTypeIds?[index] },
        LabelKind.Regression or LabelKind.MultiLabel => new(_inputIds[index], null, _floatLabels![index]) { TokenTypeIds = _tokenTypeIds?[index] },
        _ => new(_inputIds[index]) { TokenTypeIds = _tokenTypeIds?[index] },
    };

    ModelExample IModelDataset.this[int index] => this[index];

    /// <summary>Whether the examples carry segment ids (text pairs for BERT).</summary>
    public bool HasTokenTypeIds => _tokenTypeIds is not null;

    /// <summary>
    /// A single-label dataset of text pairs already tokenized with segment ids (e.g. from
    /// <see cref="Tokenization.DistilBertTokenizer.EncodeBatch(IReadOnlyList{string}, IReadOnlyList{string}, Tokenization.EncodeOptions?, CancellationToken)"/>
    /// with <c>ReturnTokenTypeIds</c>).
    /// </summary>
    public static TextClassificationDataset FromClassLabels(IReadOnlyList<int[]> inputIds, IReadOnlyList<int[]> tokenTypeIds, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(tokenTypeIds);
        var plain = FromClassLabels(inputIds, labels);
        return new TextClassificationDataset(inputIds, LabelKind.SingleLabel, plain._classLabels, null, tokenTypeIds);
    }

    /// <summary>Token count of example <paramref name="index"/> (used by length-grouped sampling).</summary>
    public int LengthOf(int index) => _inputIds[index].Length;

    /// <summary>Token counts of all examples, in order.</summary>
    public int[] Lengths() => Enumerable.Range(0, Count).Select(LengthOf).ToArray();

    /// <summary>A dataset of the examples at <paramref name="indices"/>, in that order, with the same label kind.</summary>
    public TextClassificationDataset Select(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var ids = indices.Select(i => _inputIds[i]).ToArray();
        return new TextClassificationDataset(ids, Kind,
            _classLabels is null ? null : indices.Select(i => _classLabels[i]).ToArray(),
            _floatLabels is null ? null : indices.Select(i => _floatLabels[i]).ToArray(),
            _tokenTypeIds is null ? null : indices.Select(i => _tokenTypeIds[i]).ToArray());
    }
}
