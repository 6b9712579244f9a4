namespace DistilBert.Sharp.Data;

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
