using DistilBert.Sharp.Runtime;
using Spectre.Console;

namespace ImdbFineTune;

/// <summary>
/// <c>--precision auto|fp32|bf16</c> (and its alias <c>--bf16</c>) turned into the run's precision, decided for the
/// fine-tuning device (the CPU) by the library's <see cref="PrecisionPolicy"/> and said on the console with its reason.
/// </summary>
internal static class SamplePrecision
{
    /// <summary>The values <c>--precision</c> accepts.</summary>
    public static readonly string[] Names = ["auto", "fp32", "bf16"];

    /// <summary>The requested mode: <c>--bf16</c> wins (it is the older spelling of <c>--precision bf16</c>).</summary>
    public static PrecisionMode Parse(string? precision, bool bf16Alias) => bf16Alias ? PrecisionMode.Bf16 : precision switch
    {
        null or "auto" => PrecisionMode.Auto,
        "fp32" => PrecisionMode.Fp32,
        "bf16" => PrecisionMode.Bf16,
        _ => throw new ArgumentException($"Unknown --precision '{precision}': use auto, fp32 or bf16."),
    };

    /// <summary>Decides for the CPU (where the fine-tuning job trains) and prints the CPU, the choice and why.</summary>
    public static PrecisionDecision DecideAndPrint(PrecisionMode mode, IHardwareProbe? probe = null)
    {
        probe ??= HardwareProbe.Default;
        var decision = PrecisionPolicy.Resolve(mode, "cpu", probe);
        AnsiConsole.MarkupLineInterpolated($"[grey]CPU: {probe.Cpu}[/]");
        if (decision.Warning is { } warning) AnsiConsole.MarkupLineInterpolated($"[yellow]Precision: {decision.Reason} {warning}[/]");
        else AnsiConsole.MarkupLineInterpolated($"Precision: [bold]{(decision.UseBf16 ? "bf16" : "fp32")}[/] — {decision.Reason}");
        return decision;
    }
}
