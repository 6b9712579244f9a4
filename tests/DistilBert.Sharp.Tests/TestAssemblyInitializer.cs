using System.Runtime.CompilerServices;
using DistilBert.Sharp.Runtime;

namespace DistilBert.Sharp.Tests;

/// <summary>
/// Loads libtorch through the library before any test runs, as an application's first library call would: oneMKL fixes
/// its GEMM kernels at the first GEMM, so every test (the HF parity ones included) then runs on the kernels users get.
/// </summary>
internal static class TestAssemblyInitializer
{
#pragma warning disable CA2255 // a test assembly is an application here: this is its start-up, on purpose
    [ModuleInitializer]
    internal static void LoadLibtorch()
    {
        try
        {
            TorchRuntime.EnsureLoaded();
        }
        catch (TorchRuntimeException)
        {
            // The tests that need libtorch fail with this message themselves; the pure ones still run.
        }
    }
#pragma warning restore CA2255
}
