using TorchSharp;

namespace DistilBert.Sharp.Training;

/// <summary>Creates an <see cref="ITrainingLoss"/> from a function, for losses that need nothing but the context.</summary>
public static class TrainingLoss
{
    /// <summary>Wraps <paramref name="compute"/> (HF's <c>compute_loss_func</c>) as an <see cref="ITrainingLoss"/>.</summary>
    public static ITrainingLoss FromFunction(Func<TrainingLossContext, torch.Tensor> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        return new FunctionLoss(compute);
    }

    private sealed class FunctionLoss(Func<TrainingLossContext, torch.Tensor> compute) : ITrainingLoss
    {
        public torch.Tensor Compute(TrainingLossContext context) => compute(context);
    }
}
