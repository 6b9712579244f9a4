namespace DistilBert.Sharp.Data;

/// <summary>
/// One tokenized sequence-classification example: its token ids (already including <c>[CLS]</c>/<c>[SEP]</c>), optional
/// <see cref="ModelExample.TokenTypeIds"/> for text pairs, and its target, if any.
/// </summary>
/// <param name="InputIds">Token ids of the example, unpadded.</param>
/// <param name="ClassLabel">Class index for single-label classification, else null.</param>
/// <param name="FloatLabels">
/// Float targets: one value for regression, a multi-hot vector for multi-label classification; null otherwise.
/// </param>
public sealed record TextClassificationExample(int[] InputIds, long? ClassLabel = null, float[]? FloatLabels = null) : ModelExample(InputIds);
