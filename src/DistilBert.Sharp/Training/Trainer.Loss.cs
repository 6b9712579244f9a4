using DistilBert.Sharp.Modeling;
using TorchSharp;

namespace DistilBert.Sharp.Training;

public sealed partial class Trainer
{
    /// <summary>
    /// The training loss (HF's <c>compute_loss_func</c>); null uses the loss the model computes from the labels. See
    /// <see cref="ITrainingLoss"/>, and <see cref="Distillation.DistillationLoss"/> for knowledge distillation.
    /// </summary>
    public ITrainingLoss? LossFunction { get; set; }

    /// <summary>Forward of one micro-batch and its (unscaled) loss: the model's own, or <see cref="LossFunction"/>'s.</summary>
    private torch.Tensor ComputeLoss(ModelInputs inputs, int[] indices)
    {
        ModelOutput output;
        if (LossFunction is not { } lossFunction)
        {
            // Only the forward runs under autocast; backward follows the casts recorded in the graph (as in HF/PyTorch).
            using (MixedPrecision.Bf16Autocast(UseBf16))
                output = _model.forward(inputs);
            return output.Loss ?? throw new InvalidOperationException(
                "The model returned no loss; training needs labels in the dataset and a model head that computes a loss.");
        }
        // HF pops the labels when compute_loss_func is set: the model skips its own loss, the hook gets them.
        var modelInputs = lossFunction.PrepareInputs(inputs with { Labels = null });
        using (MixedPrecision.Bf16Autocast(UseBf16))
            output = _model.forward(modelInputs);
        var loss = lossFunction.Compute(new TrainingLossContext(_model, inputs, output, indices, Args))
            ?? throw new InvalidOperationException($"{lossFunction.GetType().Name}.Compute returned no loss.");
        if (loss.numel() != 1)
            throw new InvalidOperationException($"{lossFunction.GetType().Name}.Compute must return a scalar loss; got shape [{string.Join(", ", loss.shape)}].");
        return loss;
    }
}
