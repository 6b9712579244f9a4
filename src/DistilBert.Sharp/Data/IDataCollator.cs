using DistilBert.Sharp.Modeling;

namespace DistilBert.Sharp.Data;

/// <summary>
/// Turns a list of tokenized examples into one batch of model inputs (HF's <c>data_collator</c>). The
/// <see cref="Training.Trainer"/> calls it once per micro-batch, inside that step's dispose scope.
/// </summary>
/// <remarks>
/// Implementations: <see cref="DataCollatorWithPadding"/> (classification batches) and
/// <see cref="DataCollatorForLanguageModeling"/> (masked-LM batches whose labels are the hidden token ids).
/// </remarks>
public interface IDataCollator
{
    /// <summary>Builds the batch tensors for <paramref name="examples"/> in the caller's current dispose scope.</summary>
    ModelInputs Collate(IReadOnlyList<TextClassificationExample> examples);
}
