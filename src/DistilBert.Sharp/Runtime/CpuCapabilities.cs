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
/// ~5× slower than plain fp32 on an AVX2-only Zen 3; with AVX512_BF16, bf16 GEMMs measured ~1.8× faster than fp32 (Zen 5, MKL AVX-512 kernels).
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

    /// <summary>The CPUID vendor string (<c>AuthenticAMD</c>, <c>GenuineIntel</c>), or empty when unknown.</summary>
    public string Vendor { get; init; } = "";

    /// <summary>The CPUID display family (AMD: 0x19 is Zen 3/Zen 4, 0x1A is Zen 5), or 0 when unknown.</summary>
    public int Family { get; init; }

    /// <summary>The CPUID display model, or 0 when unknown.</summary>
    public int Model { get; init; }

    /// <summary>
    /// The microarchitecture where the family says it (AMD Zen generations: Zen 3 and Zen 4 share family 0x19 and differ
    /// by AVX-512), else null. Figures differ by generation: Zen 5 executes AVX-512 at full 512-bit width, Zen 4 in two
    /// 256-bit halves, Zen 3 has none.
    /// </summary>
    public string? Microarchitecture => Vendor != "AuthenticAMD" ? null : Family switch
    {
        0x17 => "Zen/Zen 2",
        0x19 => Avx512F ? "Zen 4" : "Zen 3",
        0x1A => "Zen 5",
        _ => null,
    };

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
    public override string ToString() => $"{ModelName}{Identity}, {LogicalCores} logical cores; {FlagSummary} (from {Source})";

    private string Identity => Vendor.Length == 0 ? "" :
        $" ({Vendor} family 0x{Family:X2} model 0x{Model:X2}{(Microarchitecture is { } name ? ": " + name : "")})";

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
        string? model = null, vendor = null, family = null, modelNumber = null;
        HashSet<string>? flags = null;
        foreach (string line in cpuinfo.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
            if (model is null && key == "model name") model = value;
            else if (vendor is null && key == "vendor_id") vendor = value;
            else if (family is null && key == "cpu family") family = value;
            else if (modelNumber is null && key == "model") modelNumber = value;
            else if (flags is null && key == "flags") flags = value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            if (model is not null && flags is not null) break;
        }
        if (flags is null) return null;
        return new CpuCapabilities(string.IsNullOrWhiteSpace(model) ? "unknown CPU" : model, logicalCores,
            flags.Contains("avx2"), flags.Contains("avx512f"), flags.Contains("avx512_bf16"), flags.Contains("amx_bf16"),
            flags.Contains("avx512_vnni"), flags.Contains("avx_vnni"), "/proc/cpuinfo")
        {
            Vendor = vendor ?? "",
            Family = int.TryParse(family, out int f) ? f : 0,
            Model = int.TryParse(modelNumber, out int m) ? m : 0,
        };
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
            Source: "cpuid")
        {
            Vendor = MklVendorDispatch.Vendor(),
            Family = DisplayFamily(X86Base.CpuId(1, 0).Eax),
            Model = DisplayModel(X86Base.CpuId(1, 0).Eax),
        };
    }

    /// <summary>CPUID leaf 1's family: base family, plus the extended family when the base is 0xF.</summary>
    internal static int DisplayFamily(int eax) => (eax >> 8 & 0xF) == 0xF ? 0xF + (eax >> 20 & 0xFF) : eax >> 8 & 0xF;

    /// <summary>CPUID leaf 1's model: base model, with the extended model on top for families 0x6 and 0xF.</summary>
    internal static int DisplayModel(int eax) =>
        (eax >> 8 & 0xF) is 0x6 or 0xF ? (eax >> 16 & 0xF) << 4 | (eax >> 4 & 0xF) : eax >> 4 & 0xF;

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
