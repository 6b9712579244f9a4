namespace DistilBert.Sharp.Data;

/// <summary>Options of <see cref="LabeledTextFile"/>: which columns (CSV) or keys (JSON Lines) hold the text and the label.</summary>
public sealed record LabeledTextFileOptions
{
    /// <summary>The CSV column (by header name) or JSON key of the text. Default <c>text</c>, as HF datasets.</summary>
    public string TextColumn { get; init; } = "text";

    /// <summary>The CSV column or JSON key of the label. Default <c>label</c>.</summary>
    public string LabelColumn { get; init; } = "label";

    /// <summary>
    /// Fixed label names in id order (e.g. the train file's <see cref="LabeledTextFileData.LabelNames"/>, so validation and
    /// test files use the same ids). Null: the file's distinct labels, sorted (numerically when all are integers,
    /// otherwise ordinally), become ids 0…n−1, as HF's <c>run_glue.py</c> does.
    /// </summary>
    public IReadOnlyList<string>? LabelNames { get; init; }

    /// <summary>CSV field separator; null: tab for <c>.tsv</c> files, comma otherwise.</summary>
    public char? Separator { get; init; }
}

/// <summary>What <see cref="LabeledTextFile"/> read: the examples and the label names, in id order.</summary>
/// <param name="Examples">One example per record, in file order; <see cref="LabeledText.Id"/> is <c>line N</c>.</param>
/// <param name="LabelNames">Label name of each id (the label's text as written in the file).</param>
public sealed record LabeledTextFileData(IReadOnlyList<LabeledText> Examples, IReadOnlyList<string> LabelNames);
