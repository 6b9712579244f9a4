using System.Diagnostics;
using System.Runtime.InteropServices;
using DistilBert.Sharp.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Runtime;

/// <summary>
/// oneMKL's AVX-512 kernels on AMD (<see cref="MklVendorDispatch"/>): the decision, the code-shape check that guards the
/// one write, the state a fresh process reports (with and without the opt-out), and the GEMM results against a
/// managed double-precision product. Speed is measured in benchmarks/ (<c>gemm</c> and <c>onnx-compare</c>), not here.
/// </summary>
public class MklVendorDispatchTests
{
    private static bool ThisMachineQualifies =>
        MklVendorDispatch.IsLinuxX64 && MklVendorDispatch.Vendor() != "GenuineIntel" && MklVendorDispatch.HasAvx512Set;

    [Fact]
    public void Applies_only_on_linux_x64_non_intel_avx512_without_the_opt_out()
    {
        Assert.Null(MklVendorDispatch.ReasonNotToApply(true, "AuthenticAMD", hasAvx512Set: true, optOut: null));
        Assert.Null(MklVendorDispatch.ReasonNotToApply(true, "AuthenticAMD", true, optOut: "1"));
        Assert.Equal("not applied: DISTILBERT_SHARP_MKL_AVX512=0", MklVendorDispatch.ReasonNotToApply(true, "AuthenticAMD", true, "0"));
        Assert.Contains("Intel CPU", MklVendorDispatch.ReasonNotToApply(true, "GenuineIntel", true, null));
        Assert.Contains("no AVX-512", MklVendorDispatch.ReasonNotToApply(true, "AuthenticAMD", false, null)); // Zen 3
        Assert.Contains("Linux x64", MklVendorDispatch.ReasonNotToApply(false, "AuthenticAMD", true, null));
    }

    [Fact]
    public void Finds_the_cache_only_in_the_exact_instruction_pattern()
    {
        // mov eax, [rip+0x10]; test eax, eax; js +1: the cache is 6 bytes (the mov) plus 0x10 past the function.
        byte[] code = [0x8B, 0x05, 0x10, 0x00, 0x00, 0x00, 0x85, 0xC0, 0x78, 0x01];
        Assert.Equal((nint)0x1000 + 6 + 0x10, MklVendorDispatch.FindCache(code, 0x1000));
        // A negative displacement (-0x20) points before the function.
        byte[] back = [0x8B, 0x05, 0xE0, 0xFF, 0xFF, 0xFF, 0x85, 0xC0, 0x78, 0x01];
        Assert.Equal((nint)0x1000 + 6 - 0x20, MklVendorDispatch.FindCache(back, 0x1000));
        // Any other shape (another MKL build, a jump thunk, a preloaded replacement): no address, nothing written.
        foreach (int i in new[] { 0, 1, 6, 7, 8 })
        {
            byte[] changed = (byte[])code.Clone();
            changed[i] ^= 0x01;
            Assert.Equal(0, MklVendorDispatch.FindCache(changed, 0x1000));
        }
        Assert.Equal(0, MklVendorDispatch.FindCache(code.AsSpan(0, 8), 0x1000));
    }

    [SkippableFact]
    public void A_fresh_process_gets_the_avx512_kernels_and_the_opt_out_leaves_mkl_alone()
    {
        Skip.IfNot(ThisMachineQualifies, "Needs Linux x64 on a non-Intel CPU with AVX-512 (e.g. AMD Zen 4 or Zen 5).");
        Assert.StartsWith("MKL AVX-512 kernels (", RunChild(optOut: null));
        Assert.Equal("MKL not applied: DISTILBERT_SHARP_MKL_AVX512=0", RunChild(optOut: "0"));
    }

    [SkippableFact]
    public void This_process_answers_one_and_its_gemms_match_a_double_precision_product()
    {
        Skip.IfNot(ThisMachineQualifies, "Needs Linux x64 on a non-Intel CPU with AVX-512 (e.g. AMD Zen 4 or Zen 5).");
        TorchRuntime.EnsureLoaded();
        Assert.Contains("AVX-512 kernels", TorchRuntime.MklKernels);
        Assert.True(NativeLibrary.TryLoad("libtorch_cpu.so", out nint library));
        Assert.True(NativeLibrary.TryGetExport(library, "mkl_serv_intel_cpu_true", out nint function));
        var code = new byte[10];
        Marshal.Copy(function, code, 0, code.Length);
        Assert.Equal(1, Marshal.ReadInt32(MklVendorDispatch.FindCache(code, function)));

        // The shapes a DistilBERT layer runs (tokens × 384 → 1536, as in MiniLM's FFN), and a ragged one.
        foreach (var (m, k, n) in new[] { (128, 384, 1536), (37, 300, 70) })
        {
            using var scope = NewDisposeScope();
            var generator = new Random(m);
            float[] a = Enumerable.Range(0, m * k).Select(_ => (float)(generator.NextDouble() * 2 - 1)).ToArray();
            float[] b = Enumerable.Range(0, n * k).Select(_ => (float)(generator.NextDouble() * 2 - 1)).ToArray();
            float[] got = nn.functional.linear(tensor(a).reshape(m, k), tensor(b).reshape(n, k)).data<float>().ToArray();
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double expected = 0;
                    for (int t = 0; t < k; t++) expected += (double)a[i * k + t] * b[j * k + t];
                    // fp32 accumulation of k products of magnitude ≤ 1: a few ulps of sqrt(k)-sized sums.
                    Assert.True(Math.Abs(got[i * n + j] - expected) <= 1e-4, $"[{i},{j}] {got[i * n + j]} vs {expected}");
                }
        }
    }

    private static string RunChild(string? optOut)
    {
        var psi = Reliability.ChildProcess.StartInfo("mkl", "exchange");
        if (optOut is null) psi.Environment.Remove(MklVendorDispatch.OptOutVariable);
        else psi.Environment[MklVendorDispatch.OptOutVariable] = optOut;
        using var child = Process.Start(psi)!;
        string output = child.StandardOutput.ReadToEnd();
        string errors = child.StandardError.ReadToEnd();
        Assert.True(child.WaitForExit(120_000), "the child did not finish");
        Assert.True(child.ExitCode == 0, $"exit {child.ExitCode}: {errors}");
        return output.Split('\n').First(line => line.StartsWith("MKL ", StringComparison.Ordinal)).TrimEnd('\r');
    }
}
