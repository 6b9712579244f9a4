using DistilBert.Sharp.Weights;

namespace DistilBert.Sharp.Tests.Modeling;

/// <summary>Assertions on FromPretrained's load report.</summary>
internal static class LoadReports
{
    /// <summary>Every model weight came from the checkpoint and every checkpoint tensor was used (tied copies aside).</summary>
    public static void AssertExact(LoadReport? report)
    {
        Assert.NotNull(report);
        Assert.True(report.MissingKeys.Count == 0 && report.UnexpectedKeys.Count == 0,
            $"missing [{string.Join(", ", report.MissingKeys)}] unexpected [{string.Join(", ", report.UnexpectedKeys)}]");
    }
}
