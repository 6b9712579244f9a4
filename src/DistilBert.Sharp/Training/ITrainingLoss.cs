using DistilBert.Sharp.Modeling;
using TorchSharp;

namespace DistilBert.Sharp.Training;

/// <summary>
/// The training loss as a strategy (HF's <c>Trainer.compute_loss</c> override / <c>compute_loss_func</c>): set
/// <see cref="Trainer.LossFunction"/> to train with any loss (distillation, label smoothing, class weights, …)
/// without subclassing or forking the <see cref="Trainer"/>.
/// </summary>
/// <remarks>
/// As in HF when <c>compute_loss_func</c> is set, the Trainer removes the labels from the inputs it passes to the model
/// (so the model does not compute its own loss) and hands them to <see cref="Compute"/> in
/// <see cref="TrainingLossContext.Inputs"/>. The hook applies to training steps; <see cref="Trainer.Evaluate"/> keeps
/// reporting the model's own loss, so evaluation numbers stay comparable between runs with different training losses.
/// </remarks>
public interface ITrainingLoss
{
    /// <summary>
    /// Adjusts the (label-free) inputs before the model's forward, e.g. to ask for hidden states
    /// (<see cref="ModelInputs.OutputHiddenStates"/>). The default returns them unchanged.
    /// </summary>
    ModelInputs PrepareInputs(ModelInputs inputs) => inputs;

    /// <summary>
    /// Returns the scalar loss of one micro-batch (the mean over its examples). The Trainer divides it by the number of
    /// micro-batches of the optimizer step and runs backward. Called inside the step's dispose scope.
    /// </summary>
    torch.Tensor Compute(TrainingLossContext context);
}
