using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace DistilBert.Sharp.Runtime;

/// <summary>
/// What this CPU can do natively for transformer inference and training: the SIMD extensions libtorch's kernels
/// (oneDNN, MKL/OpenBLAS) dispatch on, and the logical core count. Benchmarks print it beside their figures, and
/// <see cref="PrecisionPolicy"/> uses it to decide whether bf16 runs natively or is emulated.
/// </summary>
/// <remarks>
/// Why it matters: bf16 GEMMs run natively only with AVX512_BF16 (Zen 4, Cooper Lake and later) or AMX-BF16 (Sapphire
/// Rapids and later). Without them libtorch emulates bf16 by converting to fp32 around every kernel, which measured
/// ~5× slower than plain fp32 on an AVX2-only Zen 3; with AVX512_BF16, bf16 GEMMs are ~2.5× faster than fp32.
/// </remarks>
/// <param name="ModelName">The CPU's marketing name (<c>model name</c> in /proc/cpuinfo, or the CPUID brand string).</param>
/// <param name="LogicalCores">Logical processors available to this process (<see cref="Environment.ProcessorCount"/>).</param>
/// <param name="Avx2">AVX2 (and FMA-era 256-bit integer SIMD).</param>
/// <param name="Avx512F">AVX-512 Foundation.</param>
/// <param name="Avx512Bf16">AVX512_BF16: native bf16 dot products (<c>vdpbf16ps</c>).</param>
/// <param name="AmxBf16">AMX-BF16: bf16 matrix tiles.</param>
/// <param name="Avx512Vnni">AVX512_VNNI: int8 dot products (what int8 quantized GEMMs use).</param>
/// <param name="AvxVnni">AVX-VNNI: the 256-bit int8 dot products of CPUs without AVX-512.</param>
/// <param name="Source">Where the flags came from: <c>/proc/cpuinfo</c>, <c>cpuid</c> or <c>unknown</c>.</param>
public sealed record CpuCapabilities(
    string ModelName,
    int LogicalCores,
    bool Avx2,
    bool Avx512F,
    bool Avx512Bf16,
    bool AmxBf16,
    bool Avx512Vnni,
    bool AvxVnni,
    string Source)
{
    private static readonly Lazy<CpuCapabilities> CurrentLazy = new(Detect);

    /// <summary>This machine's capabilities, detected once per process.</summary>
    public static CpuCapabilities Current => CurrentLazy.Value;

    /// <summary>Whether bf16 matrix products run natively (AVX512_BF16 or AMX-BF16) rather than emulated through fp32.</summary>
    public bool HasNativeBf16 => Avx512Bf16 || AmxBf16;

    /// <summary>The instruction-set extension whose absence makes bf16 emulated here, or null when bf16 is native.</summary>
    public string? MissingBf16Feature => HasNativeBf16 ? null : "AVX512_BF16 (or AMX-BF16)";

    /// <summary>The relevant flags in one line, e.g. <c>AVX2 yes, AVX-512F yes, AVX512_BF16 yes, AMX-BF16 no, VNNI avx512+avx</c>.</summary>
    public string FlagSummary
    {
        get
        {
            static string YesNo(bool b) => b ? "yes" : "NO";
            string vnni = (Avx512Vnni, AvxVnni) switch
            {
                (true, true) => "avx512+avx",
                (true, false) => "avx512",
                (false, true) => "avx",
                _ => "NO",
            };
            return $"AVX2 {YesNo(Avx2)}, AVX-512F {YesNo(Avx512F)}, AVX512_BF16 {YesNo(Avx512Bf16)}, AMX-BF16 {YesNo(AmxBf16)}, VNNI {vnni}";
        }
    }

    /// <summary>One line for benchmark headers and logs: model, cores and flags.</summary>
    public override string ToString() => $"{ModelName}, {LogicalCores} logical cores; {FlagSummary} (from {Source})";

    /// <summary>
    /// Detects the capabilities of this machine: /proc/cpuinfo on Linux (what the kernel enabled), else the CPUID
    /// instruction on x86 (gated by .NET's own checks that the OS saves AVX-512 state), else nothing (all flags false,
    /// so every decision made from it is the conservative one).
    /// </summary>
    public static CpuCapabilities Detect()
    {
        int cores = Environment.ProcessorCount;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                if (ParseCpuInfo(File.ReadAllText("/proc/cpuinfo"), cores) is { } parsed) return parsed;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Containers may hide /proc; fall through to CPUID.
            }
        }
        if (X86Base.IsSupported) return FromCpuid(cores);
        return new CpuCapabilities($"unknown {RuntimeInformation.ProcessArchitecture} CPU", cores, false, false, false, false, false, false, "unknown");
    }

    /// <summary>
    /// Reads the first processor's <c>model name</c> and <c>flags</c> from the text of /proc/cpuinfo (kernel flag names:
    /// <c>avx2</c>, <c>avx512f</c>, <c>avx512_bf16</c>, <c>amx_bf16</c>, <c>avx512_vnni</c>, <c>avx_vnni</c>). Null when
    /// the text has no <c>flags</c> line (e.g. ARM's <c>Features</c> format).
    /// </summary>
    internal static CpuCapabilities? ParseCpuInfo(string cpuinfo, int logicalCores)
    {
        string? model = null;
        HashSet<string>? flags = null;
        foreach (string line in cpuinfo.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
            if (model is null && key == "model name") model = value;
            else if (flags is null && key == "flags") flags = value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            if (model is not null && flags is not null) break;
        }
        if (flags is null) return null;
        return new CpuCapabilities(string.IsNullOrWhiteSpace(model) ? "unknown CPU" : model, logicalCores,
            flags.Contains("avx2"), flags.Contains("avx512f"), flags.Contains("avx512_bf16"), flags.Contains("amx_bf16"),
            flags.Contains("avx512_vnni"), flags.Contains("avx_vnni"), "/proc/cpuinfo");
    }

    /// <summary>
    /// The same flags from CPUID leaf 7 (Intel SDM / AMD APM bit positions), for Windows and macOS on x86. AVX-512 flags
    /// count only when .NET reports the OS enables AVX-512 state; AMX additionally needs the OS to grant tile state,
    /// which libtorch's oneDNN requests itself.
    /// </summary>
    internal static CpuCapabilities FromCpuid(int cores)
    {
        static bool Bit(int register, int bit) => (register >> bit & 1) != 0;
        var (_, _, ecx0, edx0) = X86Base.CpuId(7, 0);
        var (eax1, _, _, _) = X86Base.CpuId(7, 1);
        bool avx512 = System.Runtime.Intrinsics.X86.Avx512F.IsSupported, avx2 = System.Runtime.Intrinsics.X86.Avx2.IsSupported;
        return new CpuCapabilities(BrandString(), cores,
            Avx2: avx2,
            Avx512F: avx512,
            Avx512Bf16: avx512 && Bit(eax1, 5),
            AmxBf16: Bit(edx0, 22) && Bit(edx0, 24),
            Avx512Vnni: avx512 && Bit(ecx0, 11),
            AvxVnni: avx2 && Bit(eax1, 4),
            Source: "cpuid");
    }

    /// <summary>The 48-character brand string of CPUID leaves 0x80000002–4.</summary>
    private static string BrandString()
    {
        var (maxExtended, _, _, _) = X86Base.CpuId(unchecked((int)0x80000000), 0);
        if ((uint)maxExtended < 0x80000004) return "unknown x86 CPU";
        Span<int> words = stackalloc int[12];
        for (int leaf = 0; leaf < 3; leaf++)
        {
            var (a, b, c, d) = X86Base.CpuId(unchecked((int)0x80000002) + leaf, 0);
            words[leaf * 4] = a; words[leaf * 4 + 1] = b; words[leaf * 4 + 2] = c; words[leaf * 4 + 3] = d;
        }
        return System.Text.Encoding.ASCII.GetString(MemoryMarshal.AsBytes(words)).TrimEnd('\0').Trim();
    }
}
