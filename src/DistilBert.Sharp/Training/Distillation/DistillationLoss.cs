using DistilBert.Sharp.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Training.Distillation;

/// <summary>
/// Knowledge distillation for sequence classification (Hinton et al. 2015; DistilBERT, Sanh et al. 2019):
/// <c>α · T² · KL(softmax(teacher / T) ‖ softmax(student / T)) + (1 − α) · CE(student, labels) + w_cos · L_cos</c>,
/// where <c>L_cos</c> is Sanh et al.'s cosine loss between the student's and the teacher's last hidden states, averaged
/// over real (unpadded) tokens. Set it as <see cref="Trainer.LossFunction"/>.
/// </summary>
/// <remarks>
/// <para>KL uses HF/Sanh's reduction (<c>KLDivLoss(reduction="batchmean")</c>: summed over classes, averaged over the
/// batch) and is scaled by T² so its gradients keep their size as T changes (Hinton et al.). The cosine term is
/// <c>mean(1 − cos(s, t))</c> over real tokens, which is PyTorch's <c>cosine_embedding_loss</c> with target 1 on the
/// masked-selected vectors, as in Sanh et al.'s <c>distiller.py</c>; it needs a teacher that provides hidden states
/// and equal hidden sizes.</para>
/// <para>Every term is computed and weighted, even a zero-weighted one, so α = 0 trains exactly like plain
/// fine-tuning (the KL term contributes zero) while still exercising the teacher.</para>
/// </remarks>
public sealed class DistillationLoss : ITrainingLoss
{
    private readonly ITeacher _teacher;

    /// <summary>Creates the loss.</summary>
    /// <param name="teacher">The teacher's signals (<see cref="OnlineTeacher"/> or <see cref="TeacherLogitsCache"/>).</param>
    /// <param name="temperature">Softmax temperature T (&gt; 0); 2 is a common choice for two classes.</param>
    /// <param name="alpha">Weight α ∈ [0, 1] of the soft-target term; 1 − α goes to the label cross-entropy.</param>
    /// <param name="cosineWeight">Weight (≥ 0) of the hidden-state cosine loss; 0 turns it off.</param>
    /// <exception cref="ArgumentOutOfRangeException">A weight or the temperature is out of range.</exception>
    /// <exception cref="ArgumentException">A cosine weight with a teacher that has no hidden states.</exception>
    public DistillationLoss(ITeacher teacher, double temperature = 2.0, double alpha = 0.5, double cosineWeight = 0.0)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be a finite number above 0.");
        if (!(alpha >= 0 && alpha <= 1))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in [0, 1].");
        if (!(cosineWeight >= 0) || double.IsInfinity(cosineWeight))
            throw new ArgumentOutOfRangeException(nameof(cosineWeight), cosineWeight, "The cosine weight must be finite and at least 0.");
        if (cosineWeight > 0 && !teacher.ProvidesHiddenStates)
            throw new ArgumentException($"The cosine loss needs the teacher's hidden states, which {teacher.GetType().Name} does not provide (use an OnlineTeacher).", nameof(cosineWeight));
        _teacher = teacher;
        Temperature = temperature;
        Alpha = alpha;
        CosineWeight = cosineWeight;
    }

    /// <summary>The softmax temperature T.</summary>
    public double Temperature { get; }

    /// <summary>The weight α of the soft-target (KL) term.</summary>
    public double Alpha { get; }

    /// <summary>The weight of the hidden-state cosine term.</summary>
    public double CosineWeight { get; }

    /// <inheritdoc />
    public ModelInputs PrepareInputs(ModelInputs inputs) => CosineWeight > 0 ? inputs with { OutputHiddenStates = true } : inputs;

    /// <inheritdoc />
    public Tensor Compute(TrainingLossContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var inputs = context.Inputs;
        var studentLogits = context.Outputs.Logits ?? throw new InvalidOperationException("The student returned no logits; distillation needs a classification head.");
        var teacher = _teacher.Forward(inputs with { Labels = null, OutputHiddenStates = CosineWeight > 0 }, context.ExampleIndices);
        var teacherLogits = teacher.Logits ?? throw new InvalidOperationException($"{_teacher.GetType().Name} returned no logits.");
        return Compute(studentLogits, teacherLogits, inputs.Labels,
            CosineWeight > 0 ? LastHidden(context.Outputs, "student") : null,
            CosineWeight > 0 ? LastHidden(teacher, "teacher") : null,
            inputs.AttentionMask);
    }

    /// <summary>
    /// The loss from raw tensors (any floating dtype; the teacher's are cast to the student's), for use outside the Trainer.
    /// </summary>
    /// <param name="studentLogits">[batch, num_labels], with gradient.</param>
    /// <param name="teacherLogits">[batch, num_labels].</param>
    /// <param name="labels">Class ids [batch] (int64/int32); may be null only when α = 1.</param>
    /// <param name="studentHidden">Student's last hidden state [batch, seq, dim]; required when <see cref="CosineWeight"/> &gt; 0.</param>
    /// <param name="teacherHidden">Teacher's last hidden state [batch, seq, dim]; required when <see cref="CosineWeight"/> &gt; 0.</param>
    /// <param name="attentionMask">1 = real token, 0 = padding [batch, seq]; null = all real.</param>
    public Tensor Compute(Tensor studentLogits, Tensor teacherLogits, Tensor? labels,
        Tensor? studentHidden = null, Tensor? teacherHidden = null, Tensor? attentionMask = null)
    {
        ArgumentNullException.ThrowIfNull(studentLogits);
        ArgumentNullException.ThrowIfNull(teacherLogits);
        if (studentLogits.dim() != 2 || !studentLogits.shape.SequenceEqual(teacherLogits.shape))
            throw new ArgumentException($"Student and teacher logits must both be [batch, num_labels]; got [{string.Join(", ", studentLogits.shape)}] and [{string.Join(", ", teacherLogits.shape)}].");
        using var scope = NewDisposeScope();
        double t = Temperature;
        var teacherScaled = teacherLogits.detach().to(studentLogits.dtype) / t;
        // KL(p_t ‖ p_s) = Σ p_t (log p_t − log p_s), from log-probabilities (PyTorch's log_target form): a vanishing p_t
        // gives 0 · finite rather than 0 · log 0. Written out because TorchSharp's Reduction has no "batchmean".
        var logPt = nn.functional.log_softmax(teacherScaled, 1);
        var logPs = nn.functional.log_softmax(studentLogits / t, 1);
        var kl = (logPt.exp() * (logPt - logPs)).sum() / studentLogits.shape[0];
        var loss = kl * (Alpha * t * t);

        if (labels is null)
        {
            if (Alpha < 1) throw new ArgumentException("The label cross-entropy (α < 1) needs labels; the batch has none.", nameof(labels));
        }
        else
        {
            if (labels.dtype is not (ScalarType.Int64 or ScalarType.Int32))
                throw new ArgumentException($"Distillation needs integer class labels; got {labels.dtype}.", nameof(labels));
            // The same call as the heads' single-label loss, so α = 0 reproduces plain fine-tuning bit for bit.
            var ce = nn.functional.cross_entropy(studentLogits.view(-1, studentLogits.shape[1]), labels.view(-1).to_type(ScalarType.Int64));
            loss = ce * (1 - Alpha) + loss;
        }

        if (CosineWeight > 0)
        {
            if (studentHidden is null || teacherHidden is null)
                throw new ArgumentException("The cosine loss needs the student's and the teacher's hidden states.");
            loss = loss + CosineLoss(studentHidden, teacherHidden.detach(), attentionMask) * CosineWeight;
        }
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>mean(1 − cos(s_i, t_i)) over the real tokens i (Sanh et al.'s hidden-state alignment).</summary>
    private static Tensor CosineLoss(Tensor student, Tensor teacher, Tensor? attentionMask)
    {
        if (!student.shape.SequenceEqual(teacher.shape))
            throw new ArgumentException($"The cosine loss needs hidden states of the same shape; the student's are [{string.Join(", ", student.shape)}], the teacher's [{string.Join(", ", teacher.shape)}].");
        var cos = nn.functional.cosine_similarity(student, teacher.to(student.dtype), 2);
        var mask = attentionMask is null ? ones_like(cos) : attentionMask.to(cos.dtype);
        return ((1 - cos) * mask).sum() / mask.sum().clamp_min(1);
    }

    private static Tensor LastHidden(ModelOutput output, string who) =>
        output.HiddenStates is { Count: > 0 } states ? states[^1]
        : output.LastHiddenState ?? throw new InvalidOperationException($"The {who} returned no hidden states; the cosine loss needs a model that honours OutputHiddenStates.");
}
