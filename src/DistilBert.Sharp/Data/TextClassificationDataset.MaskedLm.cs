namespace DistilBert.Sharp.Data;

public sealed partial class TextClassificationDataset
{
    /// <summary>
    /// The same token ids without labels, e.g. to further pre-train on labelled reviews with
    /// <see cref="DataCollatorForLanguageModeling"/> (whose targets are the hidden tokens, not the class).
    /// </summary>
    public TextClassificationDataset WithoutLabels() => new(_inputIds, LabelKind.None, null, null, _tokenTypeIds);
}
