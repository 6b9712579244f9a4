using TorchSharp.Modules;

namespace DistilBert.Sharp.Training.Optimization;

/// <summary>
/// Parameters that share optimizer hyper-parameters (PyTorch's <c>param_groups</c> entry). Each group has its own base
/// learning rate, so layer-wise learning-rate decay is a matter of building more groups.
/// </summary>
public sealed class ParameterGroup
{
    /// <summary>Creates a group.</summary>
    /// <param name="parameters">Named parameters of the group (names as in <c>named_parameters()</c>).</param>
    /// <param name="weightDecay">Decoupled weight decay of the group.</param>
    /// <param name="baseLearningRate">Learning rate before the schedule factor is applied.</param>
    public ParameterGroup(IReadOnlyList<(string Name, Parameter Parameter)> parameters, double weightDecay, double baseLearningRate)
    {
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        WeightDecay = weightDecay;
        BaseLearningRate = baseLearningRate;
        LearningRate = baseLearningRate;
    }

    /// <summary>Named parameters of the group.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; }

    /// <summary>Decoupled weight decay.</summary>
    public double WeightDecay { get; }

    /// <summary>Learning rate the schedule scales (PyTorch's <c>initial_lr</c>).</summary>
    public double BaseLearningRate { get; }

    /// <summary>Learning rate used by the next step (set by the schedule).</summary>
    public double LearningRate { get; set; }
}
