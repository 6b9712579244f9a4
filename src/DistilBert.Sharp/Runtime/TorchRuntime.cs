using System.Runtime.InteropServices;
using TorchSharp;

namespace DistilBert.Sharp.Runtime;

/// <summary>
/// Loads TorchSharp's native backend once and turns its raw load failure into an actionable message.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 ships <c>libLibTorchSharp.so</c> built against GCC 13's libstdc++ (symbol version
/// <c>GLIBCXX_3.4.32</c>). On older distributions (Debian 12 has 3.4.30) the load fails deep inside TorchSharp with a
/// message about missing packages, which sends users looking in the wrong place. Every entry point of this library that
/// touches native code calls <see cref="EnsureLoaded"/> first.
/// </remarks>
public static class TorchRuntime
{
    /// <summary>The libstdc++ symbol version that TorchSharp 0.107's native library requires.</summary>
    public const string RequiredGlibcxxVersion = "GLIBCXX_3.4.32";

    private static readonly object Gate = new();

    /// <summary>
    /// Which fp32 GEMM kernels libtorch's oneMKL runs in this process, in words, for benchmark headers and logs: on AMD
    /// CPUs with AVX-512 the library lets oneMKL use its AVX-512 kernels (about 2× its AVX2 ones there; see the
    /// <c>DISTILBERT_SHARP_MKL_AVX512</c> environment variable to opt out), elsewhere MKL's own choice.
    /// Set by <see cref="EnsureLoaded"/>.
    /// </summary>
    public static string MklKernels { get; private set; } = "libtorch not loaded yet";
    private static bool _loaded;

    /// <summary>
    /// Makes sure libtorch and TorchSharp's native shim are loaded. Cheap after the first successful call.
    /// </summary>
    /// <exception cref="TorchRuntimeException">The native libraries could not be loaded; the message says what to install.</exception>
    public static void EnsureLoaded()
    {
        if (Volatile.Read(ref _loaded)) return;
        lock (Gate)
        {
            if (_loaded) return;
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
                // Before any GEMM: oneMKL fixes its kernel choice at the first one.
                MklKernels = MklVendorDispatch.Apply();
            }
            catch (Exception ex) when (ex is NotSupportedException or DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
            {
                string? libstdcxx = OperatingSystem.IsLinux() ? FindLibStdCxx() : null;
                bool hasSymbol = libstdcxx is not null && FileContainsAscii(libstdcxx, RequiredGlibcxxVersion);
                throw new TorchRuntimeException(
                    BuildLoadFailureMessage(RuntimeInformation.OSDescription, OperatingSystem.IsLinux(), libstdcxx, hasSymbol, ex.Message), ex);
            }
            Volatile.Write(ref _loaded, true);
        }
    }

    /// <summary>
    /// Builds the message shown when the native backend fails to load. Pure, so it can be tested on any machine.
    /// </summary>
    /// <param name="osDescription">The operating system, as <see cref="RuntimeInformation.OSDescription"/> gives it.</param>
    /// <param name="isLinux">Whether the process runs on Linux (the only platform with the libstdc++ requirement).</param>
    /// <param name="libStdCxxPath">The libstdc++ that was inspected, or null when none was found.</param>
    /// <param name="libStdCxxHasRequiredSymbol">Whether that library exports <see cref="RequiredGlibcxxVersion"/>.</param>
    /// <param name="innerMessage">The original error from TorchSharp.</param>
    internal static string BuildLoadFailureMessage(string osDescription, bool isLinux, string? libStdCxxPath,
        bool libStdCxxHasRequiredSymbol, string innerMessage)
    {
        var lines = new List<string> { $"TorchSharp's native backend (libtorch) could not be loaded on {osDescription}." };
        if (isLinux && !libStdCxxHasRequiredSymbol)
        {
            lines.Add(libStdCxxPath is null
                ? $"No libstdc++.so.6 was found; TorchSharp 0.107 needs one that exports {RequiredGlibcxxVersion} (GCC 13 or newer)."
                : $"{libStdCxxPath} does not export {RequiredGlibcxxVersion}; TorchSharp 0.107 needs libstdc++ from GCC 13 or newer.");
            lines.Add("Fix: run scripts/install-prerequisites.sh from the DistilBert.Sharp repository (on Debian 12 it installs " +
                      "libstdc++6 from Debian 13 'trixie', pinned at low priority), or install your distribution's GCC 13+ libstdc++6.");
        }
        else
        {
            lines.Add("Fix: make sure the application references a native TorchSharp package: 'TorchSharp-cpu' for CPU, or " +
                      "'TorchSharp-cuda-linux' / 'TorchSharp-cuda-windows' for CUDA (the DistilBert.Sharp package references managed TorchSharp only).");
        }
        lines.Add($"TorchSharp said: {innerMessage}");
        return string.Join(Environment.NewLine, lines);
    }

    private static string? FindLibStdCxx()
    {
        string[] candidates =
        [
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

    internal static bool FileContainsAscii(string path, string needle)
    {
        try
        {
            byte[] content = File.ReadAllBytes(path);
            return content.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(needle)) >= 0;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <summary>Thrown when TorchSharp's native libraries cannot be loaded; the message names the missing requirement and the fix.</summary>
public sealed class TorchRuntimeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TorchRuntimeException(string message, Exception innerException) : base(message, innerException) { }
}
