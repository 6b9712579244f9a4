namespace DistilBert.Sharp.Runtime;

/// <summary>The numeric precision of a training or inference run.</summary>
public enum PrecisionMode
{
    /// <summary>Plain fp32 everywhere (HF's default).</summary>
    Fp32,

    /// <summary>bf16 mixed precision, even where the hardware emulates it (a warning is logged there).</summary>
    Bf16,

    /// <summary>bf16 where the hardware runs it natively (AVX512_BF16 or AMX-BF16 CPU; CUDA compute capability 8.0+), else fp32.</summary>
    Auto,
}

/// <summary>What <see cref="PrecisionPolicy.Resolve"/> decided, and why.</summary>
/// <param name="Requested">The mode asked for.</param>
/// <param name="UseBf16">Whether the run uses bf16 mixed precision.</param>
/// <param name="NativeBf16">Whether the device runs bf16 natively.</param>
/// <param name="Reason">One sentence for logs and consoles: the choice and the hardware fact behind it.</param>
/// <param name="Warning">Set when bf16 runs emulated (slower than fp32): names the missing hardware feature.</param>
public sealed record PrecisionDecision(PrecisionMode Requested, bool UseBf16, bool NativeBf16, string Reason, string? Warning);
