using DistilBert.Sharp.Runtime;
using TorchSharp;

namespace DistilBert.Sharp.Tests.Runtime;

public class TorchRuntimeTests
{
    [Fact]
    public void Message_for_old_libstdcxx_names_the_symbol_the_library_and_the_fix()
    {
        string message = TorchRuntime.BuildLoadFailureMessage("Debian GNU/Linux 12", isLinux: true,
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", libStdCxxHasRequiredSymbol: false, "libLibTorchSharp.so: cannot open");

        Assert.Contains("GLIBCXX_3.4.32", message);
        Assert.Contains("/usr/lib/x86_64-linux-gnu/libstdc++.so.6", message);
        Assert.Contains("scripts/install-prerequisites.sh", message);
        Assert.Contains("trixie", message);
        Assert.Contains("libLibTorchSharp.so: cannot open", message);
    }

    [Fact]
    public void Message_without_libstdcxx_problem_points_at_the_native_package()
    {
        string message = TorchRuntime.BuildLoadFailureMessage("Windows 11", isLinux: false, null, false, "not found");

        Assert.Contains("TorchSharp-cpu", message);
        Assert.DoesNotContain("GLIBCXX", message);
    }

    [Fact]
    public void Symbol_search_finds_ascii_needle_in_binary_file()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [0, 1, 2, .. "xxGLIBCXX_3.4.32\0"u8.ToArray(), 255]);
            Assert.True(TorchRuntime.FileContainsAscii(path, "GLIBCXX_3.4.32"));
            Assert.False(TorchRuntime.FileContainsAscii(path, "GLIBCXX_3.4.33"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EnsureLoaded_makes_torch_usable()
    {
        TorchRuntime.EnsureLoaded();
        using var t = torch.ones(2, 3);
        Assert.Equal(6.0f, t.sum().item<float>());
    }
}
