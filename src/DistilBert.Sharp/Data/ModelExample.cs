using DistilBert.Sharp.Modeling;

namespace DistilBert.Sharp.Data;

/// <summary>
/// One model-ready example of any task (a row of HF's tokenized <c>Dataset</c>): token ids with [CLS]/[SEP], optional
/// segment ids for BERT pairs, and the task's targets, which the derived records add:
/// <see cref="TextClassificationExample"/> (a class, a regression value or multi-hot labels),
/// <see cref="TokenClassificationExample"/> (a label per token) and <see cref="QuestionAnsweringFeature"/> (start/end positions).
/// </summary>
/// <remarks>
/// The <see cref="Training.Trainer"/> sees only this type, an <see cref="IModelDataset"/> and an
/// <see cref="IModelDataCollator"/>: one training path for every head.
/// </remarks>
/// <param name="InputIds">Token ids of the example, unpadded.</param>
public abstract record ModelExample(int[] InputIds)
{
    /// <summary>Segment ids (0 = first text, 1 = second) of the same length as <see cref="InputIds"/>, or null (all 0).</summary>
    public int[]? TokenTypeIds { get; init; }
}

/// <summary>
/// A list of model-ready examples the <see cref="Training.Trainer"/> trains or evaluates on (HF's tokenized
/// <c>Dataset</c>). Implementations hold managed arrays only; tensors are made per batch by the collator.
/// </summary>
public interface IModelDataset
{
    /// <summary>Number of examples.</summary>
    int Count { get; }

    /// <summary>Example <paramref name="index"/>.</summary>
    ModelExample this[int index] { get; }

    /// <summary>Token count of example <paramref name="index"/> (used by length-grouped sampling and evaluation order).</summary>
    int LengthOf(int index);
}

/// <summary>
/// Turns model-ready examples into one batch of model inputs (HF's <c>data_collator</c>), in the caller's dispose scope.
/// Implementations: <see cref="DataCollatorWithPadding"/> (class, regression, multi-label and start/end targets),
/// <see cref="DataCollatorForTokenClassification"/> (per-token labels padded with −100) and
/// <see cref="DataCollatorForLanguageModeling"/>.
/// </summary>
public interface IModelDataCollator
{
    /// <summary>Builds the batch tensors for <paramref name="examples"/> in the caller's current dispose scope.</summary>
    ModelInputs Collate(IReadOnlyList<ModelExample> examples);
}
