using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Training.Distillation;
using TorchSharp;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Distillation;

public class DistillationLossTests
{
    private sealed class FixedTeacher(Tensor logits, Tensor? hidden) : ITeacher
    {
        public bool ProvidesHiddenStates => hidden is not null;
        public ModelOutput Forward(ModelInputs inputs, IReadOnlyList<int> exampleIndices) =>
            new() { Logits = logits, HiddenStates = hidden is null ? null : [hidden] };
    }

    // Batch of 2, 3 classes, 3 positions of 2-d hidden states; the second example's last position is padding.
    private static readonly double[,] Student = { { 1.0, -0.5, 0.25 }, { -1.5, 0.75, 2.0 } };
    private static readonly double[,] Teacher = { { 2.0, -1.0, 0.5 }, { -0.5, 0.0, 3.0 } };
    private static readonly long[] Labels = [2, 0];
    private static readonly double[,,] StudentHidden = { { { 1, 2 }, { -1, 0.5 }, { 0.3, 0.3 } }, { { 2, -1 }, { 0, 1 }, { 5, -7 } } };
    private static readonly double[,,] TeacherHidden = { { { 2, 1 }, { -1, 1 }, { 0.3, -0.6 } }, { { 1, -1 }, { 1, 1 }, { -3, 2 } } };
    private static readonly long[,] Mask = { { 1, 1, 1 }, { 1, 1, 0 } };

    [Fact]
    public void Loss_equals_the_hand_computed_value_with_temperature_alpha_cosine_and_padding()
    {
        const double T = 2.5, alpha = 0.3, w = 0.7;
        var loss = new DistillationLoss(new FixedTeacher(tensor(Teacher), null), T, alpha).Compute(
            tensor(Student), tensor(Teacher), tensor(Labels));
        var withCosine = new DistillationLoss(new FixedTeacher(tensor(Teacher), tensor(TeacherHidden)), T, alpha, w).Compute(
            tensor(Student), tensor(Teacher), tensor(Labels), tensor(StudentHidden), tensor(TeacherHidden), tensor(Mask));

        // By hand, in doubles: KL per example summed over classes, averaged over the batch (batchmean), times T².
        double kl = 0, ce = 0;
        for (int b = 0; b < 2; b++)
        {
            double[] pt = Softmax(Row(Teacher, b), T), ps = Softmax(Row(Student, b), T), p1 = Softmax(Row(Student, b), 1);
            for (int c = 0; c < 3; c++) kl += pt[c] * Math.Log(pt[c] / ps[c]);
            ce -= Math.Log(p1[Labels[b]]);
        }
        kl /= 2;
        ce /= 2;
        double expected = alpha * T * T * kl + (1 - alpha) * ce;
        // Cosine loss over the 5 real tokens only (the padded position, whose vectors disagree, is excluded).
        double cosSum = 0;
        int real = 0;
        for (int b = 0; b < 2; b++)
            for (int s = 0; s < 3; s++)
            {
                if (Mask[b, s] == 0) continue;
                double dot = 0, ns = 0, nt = 0;
                for (int d = 0; d < 2; d++)
                {
                    dot += StudentHidden[b, s, d] * TeacherHidden[b, s, d];
                    ns += StudentHidden[b, s, d] * StudentHidden[b, s, d];
                    nt += TeacherHidden[b, s, d] * TeacherHidden[b, s, d];
                }
                cosSum += 1 - dot / Math.Sqrt(ns * nt);
                real++;
            }
        double expectedWithCosine = expected + w * cosSum / real;

        Assert.Equal(ScalarType.Float64, loss.dtype);
        Assert.Equal(expected, loss.item<double>(), 1e-12);
        Assert.Equal(expectedWithCosine, withCosine.item<double>(), 1e-12);
        Assert.True(Math.Abs(kl) > 1e-3 && Math.Abs(cosSum) > 1e-3); // every term contributes
    }

    [Fact]
    public void Gradient_matches_central_finite_differences_in_float64()
    {
        var distill = new DistillationLoss(new FixedTeacher(tensor(Teacher), tensor(TeacherHidden)), temperature: 3, alpha: 0.6, cosineWeight: 0.4);
        var logits = tensor(Student).requires_grad_();
        var hidden = tensor(StudentHidden).requires_grad_();
        Tensor Loss(Tensor l, Tensor h) => distill.Compute(l, tensor(Teacher), tensor(Labels), h, tensor(TeacherHidden), tensor(Mask));
        Loss(logits, hidden).backward();

        foreach (var (parameter, isLogits) in new[] { (logits, true), (hidden, false) })
        {
            var analytic = parameter.grad!.detach().clone().flatten().data<double>().ToArray();
            var flat = parameter.detach().clone().flatten();
            const double h = 1e-6;
            for (int i = 0; i < flat.shape[0]; i++)
            {
                double Eval(double delta)
                {
                    using var _ = no_grad();
                    var moved = flat.clone();
                    moved[i] = moved[i] + delta;
                    var shaped = moved.view(parameter.shape);
                    return (isLogits ? Loss(shaped, hidden.detach()) : Loss(logits.detach(), shaped)).item<double>();
                }
                double numeric = (Eval(h) - Eval(-h)) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-7 + 1e-6 * Math.Abs(numeric),
                    $"{(isLogits ? "logits" : "hidden")}[{i}]: analytic {analytic[i]}, numeric {numeric}");
            }
        }
        // The padded position gets no gradient from the cosine loss (it is masked out).
        var paddedGrad = hidden.grad![1, 2].data<double>().ToArray();
        Assert.All(paddedGrad, g => Assert.Equal(0.0, g));
    }

    [Fact]
    public void Alpha_one_needs_no_labels_and_bad_arguments_are_rejected()
    {
        var teacher = new FixedTeacher(tensor(Teacher), null);
        var pureKl = new DistillationLoss(teacher, temperature: 1, alpha: 1).Compute(tensor(Student), tensor(Teacher), null).item<double>();
        double expected = 0;
        for (int b = 0; b < 2; b++)
        {
            double[] pt = Softmax(Row(Teacher, b), 1), ps = Softmax(Row(Student, b), 1);
            for (int c = 0; c < 3; c++) expected += pt[c] * Math.Log(pt[c] / ps[c]) / 2;
        }
        Assert.Equal(expected, pureKl, 1e-12);

        Assert.Throws<ArgumentException>(() => new DistillationLoss(teacher, alpha: 0.5).Compute(tensor(Student), tensor(Teacher), null));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistillationLoss(teacher, temperature: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistillationLoss(teacher, alpha: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistillationLoss(teacher, cosineWeight: -1));
        Assert.Throws<ArgumentException>(() => new DistillationLoss(teacher, cosineWeight: 1)); // no hidden states
        Assert.Throws<ArgumentException>(() => new DistillationLoss(teacher).Compute(tensor(Student), tensor(Teacher).narrow(1, 0, 2), tensor(Labels)));
    }

    private static double[] Row(double[,] m, int r) => Enumerable.Range(0, m.GetLength(1)).Select(c => m[r, c]).ToArray();

    private static double[] Softmax(double[] x, double t)
    {
        double max = x.Max();
        var e = x.Select(v => Math.Exp((v - max) / t)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }
}
