using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Modeling;

/// <summary>Element-wise tolerance checks that report where and by how much two tensors differ.</summary>
internal static class TensorAssert
{
    /// <summary>|actual - expected| ≤ max(abs, rel·|expected|) everywhere; shapes must agree.</summary>
    public static void Close(Tensor expected, Tensor actual, double abs, double rel = 0, string what = "")
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(", ", actual.shape)}] != expected [{string.Join(", ", expected.shape)}]");
        using var scope = NewDisposeScope();
        var e = expected.to_type(ScalarType.Float64).cpu();
        var a = actual.detach().to_type(ScalarType.Float64).cpu();
        var diff = (a - e).abs();
        var allowed = (e.abs() * rel).clamp_min(abs);
        var excess = diff - allowed;
        double worst = excess.max().item<double>();
        Assert.False(double.IsNaN(worst) || a.isnan().any().item<bool>(), $"{what}: NaN in output");
        Assert.True(worst <= 0, $"{what}: max |diff| {diff.max().item<double>():E3} exceeds tolerance (abs {abs:E1}, rel {rel:E1})");
    }
}
