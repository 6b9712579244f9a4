using DistilBert.Sharp.Modeling;

namespace DistilBert.Sharp.Data;

/// <summary>
/// Turns a list of tokenized classification examples into one batch of model inputs (HF's <c>data_collator</c>). The
/// <see cref="Training.Trainer"/> calls it once per micro-batch, inside that step's dispose scope.
/// </summary>
/// <remarks>
/// Implementations: <see cref="DataCollatorWithPadding"/> (classification batches) and
/// <see cref="DataCollatorForLanguageModeling"/> (masked-LM batches whose labels are the hidden token ids).
/// </remarks>
public interface IDataCollator : IModelDataCollator
{
    /// <summary>Builds the batch tensors for <paramref name="examples"/> in the caller's current dispose scope.</summary>
    ModelInputs Collate(IReadOnlyList<TextClassificationExample> examples);

    /// <summary>A classification collator takes classification examples; any other example kind is refused by name.</summary>
    ModelInputs IModelDataCollator.Collate(IReadOnlyList<ModelExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var typed = new TextClassificationExample[examples.Count];
        for (int i = 0; i < typed.Length; i++)
            typed[i] = examples[i] as TextClassificationExample ?? throw new ArgumentException(
                $"{GetType().Name} collates TextClassificationExample; example {i} of the batch is a {examples[i]?.GetType().Name ?? "null"}. " +
                "Use the collator of that task (e.g. DataCollatorForTokenClassification).", nameof(examples));
        return Collate(typed);
    }
}
