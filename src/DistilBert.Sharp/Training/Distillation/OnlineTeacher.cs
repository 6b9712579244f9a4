using DistilBert.Sharp.Modeling;
using TorchSharp;

namespace DistilBert.Sharp.Training.Distillation;

/// <summary>
/// A teacher model run on each training batch, in inference mode (eval: no dropout, so it draws nothing from the RNG
/// and a resumed run sees the same teacher outputs), without gradient, optionally in bf16 mixed precision.
/// </summary>
/// <remarks>Costs one teacher forward per step; when the training set is fixed and no hidden states are needed,
/// <see cref="TeacherLogitsCache"/> computes each example's logits once for all epochs and runs.</remarks>
public sealed class OnlineTeacher : ITeacher
{
    private readonly PreTrainedModel _teacher;
    private readonly bool _bf16;

    /// <summary>Wraps <paramref name="teacher"/> (put on the training device first) and switches it to eval mode.</summary>
    /// <param name="teacher">The fine-tuned teacher; it is not trained.</param>
    /// <param name="bf16">Run the teacher's forward in bf16 mixed precision (faster on CPUs with AVX512_BF16).</param>
    public OnlineTeacher(PreTrainedModel teacher, bool bf16 = false)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        _teacher = teacher;
        _bf16 = bf16;
        _teacher.eval();
    }

    /// <inheritdoc />
    public bool ProvidesHiddenStates => true;

    /// <inheritdoc />
    public ModelOutput Forward(ModelInputs inputs, IReadOnlyList<int> exampleIndices)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (_teacher.training) _teacher.eval(); // someone switched it back: the teacher must never use dropout
        using var noGrad = torch.no_grad();
        using var autocast = MixedPrecision.Bf16Autocast(_bf16);
        var output = _teacher.forward(inputs with { Labels = null });
        var logits = output.Logits ?? throw new InvalidOperationException($"The teacher ({_teacher.GetType().Name}) returned no logits; use a model with a classification head.");
        return output with { Logits = logits.to(torch.ScalarType.Float32), Loss = null };
    }
}
