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
