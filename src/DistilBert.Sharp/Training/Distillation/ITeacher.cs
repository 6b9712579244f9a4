using DistilBert.Sharp.Modeling;

namespace DistilBert.Sharp.Training.Distillation;

/// <summary>
/// Where a <see cref="DistillationLoss"/> gets the teacher's signals for a batch: a model run on the fly
/// (<see cref="OnlineTeacher"/>) or logits computed once and read back by example (<see cref="TeacherLogitsCache"/>).
/// </summary>
public interface ITeacher
{
    /// <summary>Whether <see cref="Forward"/> can return hidden states (needed by the cosine loss).</summary>
    bool ProvidesHiddenStates { get; }

    /// <summary>
    /// The teacher's outputs for a batch, without gradient: <see cref="ModelOutput.Logits"/> [batch, num_labels] in
    /// fp32 on the inputs' device, and <see cref="ModelOutput.HiddenStates"/> when <see cref="ModelInputs.OutputHiddenStates"/> is set.
    /// </summary>
    /// <param name="inputs">The batch (labels removed).</param>
    /// <param name="exampleIndices">Positions of the batch's examples in the train dataset, in batch order.</param>
    ModelOutput Forward(ModelInputs inputs, IReadOnlyList<int> exampleIndices);
}
