using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Tests.Runtime;
using ImdbFineTune;

namespace DistilBert.Sharp.Tests.Samples;

/// <summary>The sample's <c>--precision</c> flag: auto by default, <c>--bf16</c> as its alias, decided for the CPU.</summary>
public class SamplePrecisionTests
{
    [Fact]
    public void Default_is_auto_and_bf16_flag_is_an_alias()
    {
        Assert.Equal(PrecisionMode.Auto, SamplePrecision.Parse(null, bf16Alias: false));
        Assert.Equal(PrecisionMode.Fp32, SamplePrecision.Parse("fp32", bf16Alias: false));
        Assert.Equal(PrecisionMode.Bf16, SamplePrecision.Parse("auto", bf16Alias: true));
        Assert.Throws<ArgumentException>(() => SamplePrecision.Parse("fp16", bf16Alias: false));
    }

    [Fact]
    public void Auto_picks_fp32_on_avx2_only_cpus_and_bf16_on_native_ones()
    {
        Assert.False(SamplePrecision.DecideAndPrint(PrecisionMode.Auto, FakeProbe.Avx2Only).UseBf16);
        Assert.True(SamplePrecision.DecideAndPrint(PrecisionMode.Auto, FakeProbe.NativeBf16).UseBf16);
        Assert.NotNull(SamplePrecision.DecideAndPrint(PrecisionMode.Bf16, FakeProbe.Avx2Only).Warning);
    }
}
