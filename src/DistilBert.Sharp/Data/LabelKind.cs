namespace DistilBert.Sharp.Data;

/// <summary>What the labels of a <see cref="TextClassificationDataset"/> are; decides the label tensor's dtype and shape.</summary>
public enum LabelKind
{
    /// <summary>No labels (prediction only).</summary>
    None,

    /// <summary>One class index per example (HF <c>single_label_classification</c>): int64 [batch].</summary>
    SingleLabel,

    /// <summary>One float per example (HF <c>regression</c>, <c>num_labels = 1</c>): float32 [batch].</summary>
    Regression,

    /// <summary>A multi-hot float vector per example (HF <c>multi_label_classification</c>): float32 [batch, num_labels].</summary>
    MultiLabel,
}
