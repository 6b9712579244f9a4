using DistilBert.Sharp.Modeling;

namespace DistilBert.Sharp.Training;

/// <summary>What an <see cref="ITrainingLoss"/> receives for one micro-batch.</summary>
/// <param name="Model">The model being trained (in training mode).</param>
/// <param name="Inputs">The collated batch on the training device, labels included.</param>
/// <param name="Outputs">The model's outputs for <paramref name="Inputs"/> (computed without labels, so <c>Loss</c> is null).</param>
/// <param name="ExampleIndices">The positions of the batch's examples in the train dataset, in batch order (a key
/// for per-example data such as cached teacher logits).</param>
/// <param name="Args">The training arguments (e.g. <see cref="TrainingArguments.Bf16"/>).</param>
public sealed record TrainingLossContext(
    PreTrainedModel Model,
    ModelInputs Inputs,
    ModelOutput Outputs,
    IReadOnlyList<int> ExampleIndices,
    TrainingArguments Args)
{
    /// <summary>Number of examples in the micro-batch (HF's <c>num_items_in_batch</c> for sequence-level tasks).</summary>
    public int NumItemsInBatch => ExampleIndices.Count;
}
