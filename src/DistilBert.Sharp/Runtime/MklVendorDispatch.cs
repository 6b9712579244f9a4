using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace DistilBert.Sharp.Runtime;

/// <summary>
/// Lets libtorch's MKL use its AVX-512 fp32 GEMM kernels on AMD CPUs that have AVX-512 (Zen 4, Zen 5).
/// </summary>
/// <remarks>
/// <para>Why: libtorch's fp32 <c>Linear</c>, <c>matmul</c> and <c>bmm</c> call oneMKL's sgemm, and oneMKL picks its kernel
/// by CPU <em>vendor</em> (<c>mkl_serv_intel_cpu_true</c> compares the CPUID vendor string with "GenuineIntel"), not by
/// the instruction sets present. On an AMD CPU with AVX-512 it therefore runs its AVX2 kernels: measured on a Zen 5
/// EPYC, one thread, 2048×768·768×3072, 82–92 GFLOP/s, against 163–206 GFLOP/s with the AVX-512 kernels, which is why
/// ONNX Runtime (whose MLAS dispatches on the instruction sets) ran distilbert-base fp32 2.0–2.4× faster there. oneMKL
/// removed its <c>MKL_DEBUG_CPU_TYPE</c> override and ignores <c>MKL_ENABLE_INSTRUCTIONS=AVX512</c> on AMD (both
/// measured: no change), and libtorch links MKL statically, so the usual remedy is to preload a library that redefines
/// <c>mkl_serv_intel_cpu_true</c> (<c>LD_PRELOAD</c>), which a library cannot do for its host process.</para>
/// <para>What: that function caches its answer in a static int (-1 until first asked, then 0 or 1), and every later
/// vendor check reads the cache. Before the first GEMM, this class sets the cache to 1. It reads the function's first
/// instruction to find the cache (<c>mov eax, [rip+disp32]</c>; <c>test eax, eax</c>; <c>js</c>), and changes nothing
/// unless those bytes are exactly that and the cache holds -1, 0 or 1, so another MKL build is left alone. The kernels
/// then chosen check the instruction sets themselves; results agree with the AVX2 kernels to fp32 rounding (the HF
/// parity tests run with it). oneMKL fixes its kernel choice at the first GEMM, so it applies only when
/// <see cref="TorchRuntime.EnsureLoaded"/> runs before any torch GEMM in the process, as every library entry point does.</para>
/// <para>Where: Linux x64, non-Intel CPU with AVX-512 F/BW/DQ/VL (the set oneMKL's AVX-512 kernels use). Zen 3 and
/// other AVX2-only CPUs keep MKL's own choice. Opt out with the environment variable
/// <c>DISTILBERT_SHARP_MKL_AVX512=0</c>.</para>
/// </remarks>
internal static class MklVendorDispatch
{
    /// <summary>The environment variable that switches this off when set to <c>0</c>.</summary>
    internal const string OptOutVariable = "DISTILBERT_SHARP_MKL_AVX512";

    private const string VendorCheck = "mkl_serv_intel_cpu_true";

    /// <summary>Whether this process runs on Linux x64 (the only place the change is made).</summary>
    internal static bool IsLinuxX64 => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>Whether the CPU (and OS) support AVX-512 F, BW, DQ and VL, the set oneMKL's AVX-512 kernels use.</summary>
    internal static bool HasAvx512Set => Avx512F.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512F.VL.IsSupported;

    /// <summary>Whether this machine should get the AVX-512 kernels; null when it should, else why not. Pure.</summary>
    internal static string? ReasonNotToApply(bool isLinuxX64, string vendor, bool hasAvx512Set, string? optOut)
    {
        if (optOut == "0") return $"not applied: {OptOutVariable}=0";
        if (!isLinuxX64) return "not applied: only done on Linux x64";
        if (vendor == "GenuineIntel") return "MKL's own choice (Intel CPU)";
        if (!hasAvx512Set) return "MKL's own choice (no AVX-512 F/BW/DQ/VL)";
        return null;
    }

    /// <summary>
    /// Applies the change when <see cref="ReasonNotToApply"/> allows it; returns one line saying what happened, for
    /// <see cref="TorchRuntime.MklKernels"/>. Never throws: any surprise leaves MKL as it was.
    /// </summary>
    internal static string Apply()
    {
        string? reason = ReasonNotToApply(IsLinuxX64, IsLinuxX64 ? Vendor() : "", HasAvx512Set, Environment.GetEnvironmentVariable(OptOutVariable));
        if (reason is not null) return reason;
        try
        {
            if (!NativeLibrary.TryLoad("libtorch_cpu.so", out nint library)) return "not applied: libtorch_cpu.so not found";
            if (!NativeLibrary.TryGetExport(library, VendorCheck, out nint function)) return $"not applied: libtorch has no {VendorCheck} (no MKL)";
            nint cache = FindCache(ReadCode(function), function);
            if (cache == 0) return $"not applied: {VendorCheck} has an unknown shape (another MKL build)";
            int value = Marshal.ReadInt32(cache);
            if (value is < -1 or > 1) return $"not applied: unexpected cached vendor answer {value}";
            Marshal.WriteInt32(cache, 1);
            // -1: nothing in MKL has asked yet, so every kernel choice sees the new answer. 0: some MKL call ran before
            // (a torch GEMM before the first library call), and the kernels it chose stay chosen.
            return value == 0
                ? "partly AVX-512 kernels (oneMKL chose some kernels before DistilBert.Sharp loaded libtorch; call TorchRuntime.EnsureLoaded before any torch operation)"
                : "AVX-512 kernels (oneMKL's vendor check answered for this AVX-512 CPU)";
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return $"not applied: {ex.GetType().Name}";
        }
    }

    /// <summary>The first 10 bytes of the native function at <paramref name="function"/>.</summary>
    private static byte[] ReadCode(nint function)
    {
        var code = new byte[10];
        Marshal.Copy(function, code, 0, code.Length);
        return code;
    }

    /// <summary>
    /// The address of the cache the code reads, when <paramref name="code"/> starts with
    /// <c>8B 05 disp32</c> (mov eax, [rip+disp32]), <c>85 C0</c> (test eax, eax), <c>78</c> (js): rip-relative, so the
    /// address is the end of the 6-byte mov plus disp32. 0 for any other code. Pure.
    /// </summary>
    internal static nint FindCache(ReadOnlySpan<byte> code, nint function)
    {
        if (code.Length < 9 || code[0] != 0x8B || code[1] != 0x05 || code[6] != 0x85 || code[7] != 0xC0 || code[8] != 0x78) return 0;
        return function + 6 + BitConverter.ToInt32(code[2..6]);
    }

    /// <summary>The CPUID vendor string ("GenuineIntel", "AuthenticAMD", …): leaf 0's EBX, EDX, ECX.</summary>
    internal static string Vendor()
    {
        if (!X86Base.IsSupported) return "";
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        Span<int> words = [ebx, edx, ecx];
        return System.Text.Encoding.ASCII.GetString(MemoryMarshal.AsBytes(words));
    }
}
