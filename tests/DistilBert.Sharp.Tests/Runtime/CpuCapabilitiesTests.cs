using DistilBert.Sharp.Runtime;

namespace DistilBert.Sharp.Tests.Runtime;

/// <summary>The capability probe: kernel flag parsing against real /proc/cpuinfo excerpts, and agreement with CPUID.</summary>
public class CpuCapabilitiesTests
{
    // Excerpts of real /proc/cpuinfo files (flags trimmed to a representative subset, order kept).
    internal const string Zen3 = """
        processor	: 0
        vendor_id	: AuthenticAMD
        model name	: AMD EPYC 7B13
        flags		: fpu vme de pse sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2 sha_ni clzero vaes vpclmulqdq rdpid

        processor	: 1
        model name	: AMD EPYC 7B13
        flags		: fpu vme de pse sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2 sha_ni clzero vaes vpclmulqdq rdpid
        """;

    internal const string Zen4 = """
        processor	: 0
        model name	: AMD EPYC 9R14 96-Core Processor
        flags		: fpu sse sse2 avx avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx_vnni avx512_bf16 avx512vbmi avx512_vnni avx512_bitalg
        """;

    private const string SapphireRapids = """
        processor	: 0
        model name	: Intel(R) Xeon(R) Platinum 8488C
        flags		: fpu sse avx avx2 avx512f avx512bw avx_vnni avx512_bf16 avx512_vnni amx_bf16 avx512_fp16 amx_tile amx_int8
        """;

    [Fact]
    public void Zen3_has_avx2_only_and_no_native_bf16()
    {
        var cpu = CpuCapabilities.ParseCpuInfo(Zen3, 8)!;
        Assert.Equal("AMD EPYC 7B13", cpu.ModelName);
        Assert.Equal(8, cpu.LogicalCores);
        Assert.True(cpu.Avx2);
        Assert.False(cpu.Avx512F || cpu.Avx512Bf16 || cpu.AmxBf16 || cpu.Avx512Vnni || cpu.AvxVnni);
        Assert.False(cpu.HasNativeBf16);
        Assert.Contains("AVX512_BF16", cpu.MissingBf16Feature);
        Assert.Equal("AVX2 yes, AVX-512F NO, AVX512_BF16 NO, AMX-BF16 NO, VNNI NO", cpu.FlagSummary);
    }

    [Fact]
    public void Zen4_and_sapphire_rapids_have_native_bf16()
    {
        var zen4 = CpuCapabilities.ParseCpuInfo(Zen4, 2)!;
        Assert.True(zen4.Avx512F && zen4.Avx512Bf16 && zen4.Avx512Vnni && zen4.AvxVnni && !zen4.AmxBf16);
        Assert.True(zen4.HasNativeBf16);
        Assert.Null(zen4.MissingBf16Feature);
        var spr = CpuCapabilities.ParseCpuInfo(SapphireRapids, 4)!;
        Assert.True(spr.AmxBf16 && spr.HasNativeBf16);
        Assert.Contains("Xeon", spr.ToString());
    }

    [Fact]
    public void Flags_match_whole_names_only_and_non_x86_formats_give_null()
    {
        // avx512_vnni and avx512vl contain "avx512" but are not AVX-512F; only whole flag names count.
        var cpu = CpuCapabilities.ParseCpuInfo("model name : X\nflags : avx512_vnni avx512vl avx2x\n", 1)!;
        Assert.False(cpu.Avx512F || cpu.Avx2);
        Assert.True(cpu.Avx512Vnni);
        // ARM's /proc/cpuinfo has "Features", not "flags".
        Assert.Null(CpuCapabilities.ParseCpuInfo("processor : 0\nFeatures : fp asimd bf16\nCPU implementer : 0x41\n", 4));
    }

    [SkippableFact]
    public void Detected_flags_agree_with_the_cpuid_instruction_and_dotnet()
    {
        Skip.IfNot(System.Runtime.Intrinsics.X86.X86Base.IsSupported, "CPUID exists only on x86.");
        var detected = CpuCapabilities.Detect();
        var cpuid = CpuCapabilities.FromCpuid(Environment.ProcessorCount);
        // Two independent sources (the kernel's flags on Linux, the CPUID bits elsewhere) must agree.
        Assert.Equal((cpuid.Avx2, cpuid.Avx512F, cpuid.Avx512Bf16, cpuid.AmxBf16, cpuid.Avx512Vnni, cpuid.AvxVnni),
            (detected.Avx2, detected.Avx512F, detected.Avx512Bf16, detected.AmxBf16, detected.Avx512Vnni, detected.AvxVnni));
        Assert.Equal(System.Runtime.Intrinsics.X86.Avx2.IsSupported, detected.Avx2);
        Assert.Equal(System.Runtime.Intrinsics.X86.Avx512F.IsSupported, detected.Avx512F);
        Assert.Equal(Environment.ProcessorCount, detected.LogicalCores);
        Assert.False(string.IsNullOrWhiteSpace(detected.ModelName));
        // Vendor and family/model: the kernel's text and the CPUID leaves 0 and 1 decoded here.
        Assert.Equal((cpuid.Vendor, cpuid.Family, cpuid.Model), (detected.Vendor, detected.Family, detected.Model));
    }

    [Fact]
    public void Vendor_family_and_model_name_the_zen_generation()
    {
        static CpuCapabilities Parse(int family, int model, string flags) => CpuCapabilities.ParseCpuInfo(
            $"processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: {family}\nmodel\t\t: {model}\nmodel name\t: AMD EPYC\nflags\t\t: {flags}\n", 2)!;
        var zen5 = Parse(26, 2, "avx2 avx512f avx512_bf16");
        Assert.Equal(("AuthenticAMD", 0x1A, 2, "Zen 5"), (zen5.Vendor, zen5.Family, zen5.Model, zen5.Microarchitecture));
        Assert.StartsWith("AMD EPYC (AuthenticAMD family 0x1A model 0x02: Zen 5), 2 logical cores;", zen5.ToString());
        // Zen 3 and Zen 4 share family 0x19 (25); only Zen 4 has AVX-512.
        Assert.Equal("Zen 4", Parse(25, 17, "avx2 avx512f").Microarchitecture);
        Assert.Equal("Zen 3", Parse(25, 1, "avx2").Microarchitecture);
        // Intel: no generation name, the family/model numbers are still printed.
        var intel = CpuCapabilities.ParseCpuInfo("vendor_id : GenuineIntel\ncpu family : 6\nmodel : 143\nmodel name : Xeon\nflags : avx2\n", 1)!;
        Assert.Null(intel.Microarchitecture);
        Assert.Contains("(GenuineIntel family 0x06 model 0x8F)", intel.ToString());
    }

    [Theory]
    [InlineData(0x00B00F21, 0x1A, 0x02)] // Zen 5 EPYC: base family 0xF + extended 0x0B, model 0x02
    [InlineData(0x00A10F11, 0x19, 0x11)] // Zen 4 EPYC 9004
    [InlineData(0x000806F8, 0x06, 0x8F)] // Sapphire Rapids: family 6 takes the extended model
    [InlineData(0x00000F41, 0x0F, 0x04)] // an old family-0xF CPU: extended family 0
    public void Cpuid_leaf1_decodes_display_family_and_model(int eax, int family, int model)
    {
        // Hand-decoded from the CPUID leaf-1 EAX layout (stepping 3:0, model 7:4, family 11:8, ext model 19:16, ext family 27:20).
        Assert.Equal(family, CpuCapabilities.DisplayFamily(eax));
        Assert.Equal(model, CpuCapabilities.DisplayModel(eax));
    }
}
