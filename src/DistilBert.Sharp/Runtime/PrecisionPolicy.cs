namespace DistilBert.Sharp.Runtime;

/// <summary>
/// Decides fp32 or bf16 from the requested <see cref="PrecisionMode"/> and what the device runs natively.
/// <see cref="PrecisionMode.Auto"/> never picks an emulated bf16 path, so it is never slower than fp32;
/// an explicit <see cref="PrecisionMode.Bf16"/> is honoured, with a warning where the hardware emulates it.
/// </summary>
public static class PrecisionPolicy
{
    /// <summary>Minimum CUDA compute capability with native bf16 tensor-core math (Ampere).</summary>
    public static readonly Version CudaBf16ComputeCapability = new(8, 0);

    /// <summary>Decides the precision of a run on <paramref name="device"/> (a torch device string: <c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>).</summary>
    /// <param name="requested">What the user asked for.</param>
    /// <param name="device">The torch device the model runs on.</param>
    /// <param name="probe">The hardware to check; default <see cref="HardwareProbe.Default"/>.</param>
    public static PrecisionDecision Resolve(PrecisionMode requested, string device, IHardwareProbe? probe = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        probe ??= HardwareProbe.Default;
        var (native, hardware, missing) = Bf16Support(device, probe);
        return requested switch
        {
            PrecisionMode.Fp32 => new(requested, false, native, $"fp32: requested ({hardware}).", null),
            PrecisionMode.Bf16 when native => new(requested, true, true, $"bf16: requested, and {hardware} runs it natively.", null),
            PrecisionMode.Bf16 => new(requested, true, false, $"bf16: requested, but emulated on {hardware}.",
                $"bf16 was requested but {hardware} lacks {missing}, so bf16 is emulated through fp32 here and runs several " +
                "times slower than fp32 (about 5x measured on an AVX2-only CPU). Use precision 'auto' or 'fp32' on this machine."),
            PrecisionMode.Auto when native => new(requested, true, true, $"bf16 (auto): {hardware} runs bf16 natively.", null),
            PrecisionMode.Auto => new(requested, false, false, $"fp32 (auto): {hardware} lacks {missing}, so bf16 would be emulated and slower.", null),
            _ => throw new ArgumentOutOfRangeException(nameof(requested), requested, "Unknown precision mode."),
        };
    }

    /// <summary>Whether <paramref name="device"/> runs bf16 natively, a name for the hardware, and the feature it misses.</summary>
    private static (bool Native, string Hardware, string? Missing) Bf16Support(string device, IHardwareProbe probe)
    {
        string d = device.Trim().ToLowerInvariant();
        if (d == "cpu")
        {
            var cpu = probe.Cpu;
            return (cpu.HasNativeBf16, $"this CPU ({cpu.ModelName})", cpu.MissingBf16Feature);
        }
        if (d == "cuda" || d.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = d.Length > 5 && int.TryParse(d[5..], out int i) ? i : 0;
            var cc = probe.CudaComputeCapability(index);
            string hardware = cc is null ? $"CUDA device {index} (compute capability unknown)" : $"CUDA device {index} (compute capability {cc})";
            bool native = cc is not null && cc >= CudaBf16ComputeCapability;
            string? missing = native ? null : cc is null
                ? "a known compute capability (nvidia-smi did not answer)"
                : $"compute capability {CudaBf16ComputeCapability}+ (Ampere or newer)";
            return (native, hardware, missing);
        }
        return (false, $"device '{device}'", "known native bf16 support");
    }
}
