using DistilBert.Sharp.Modeling;

namespace DistilBert.Sharp.Data;

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
