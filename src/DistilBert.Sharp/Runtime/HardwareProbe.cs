using System.Diagnostics;
using System.Globalization;

namespace DistilBert.Sharp.Runtime;

/// <summary>
/// Answers what the hardware supports natively. The library asks it instead of the machine directly, so precision
/// decisions can be tested with any CPU or GPU (pass your own implementation to <c>Trainer.HardwareProbe</c> or
/// <see cref="Modeling.MixedPrecision.ToBf16Inference"/>).
/// </summary>
public interface IHardwareProbe
{
    /// <summary>The CPU's model name, flags and core count.</summary>
    CpuCapabilities Cpu { get; }

    /// <summary>The CUDA compute capability (e.g. 8.0 for A100) of device <paramref name="deviceIndex"/>, or null when unknown.</summary>
    Version? CudaComputeCapability(int deviceIndex);
}

/// <summary>The real machine: <see cref="CpuCapabilities.Current"/>, and <c>nvidia-smi</c> for CUDA devices.</summary>
public sealed class HardwareProbe : IHardwareProbe
{
    private readonly Dictionary<int, Version?> _cuda = new();

    /// <summary>The process-wide probe of this machine.</summary>
    public static HardwareProbe Default { get; } = new();

    private HardwareProbe() { }

    /// <inheritdoc />
    public CpuCapabilities Cpu => CpuCapabilities.Current;

    /// <inheritdoc />
    /// <remarks>
    /// TorchSharp 0.107 exposes no device-properties call, so this asks <c>nvidia-smi</c> (installed with every NVIDIA
    /// driver), once per device; null when it is missing or answers nothing, which decisions treat as "not native".
    /// </remarks>
    public Version? CudaComputeCapability(int deviceIndex)
    {
        lock (_cuda)
        {
            if (!_cuda.TryGetValue(deviceIndex, out var version)) _cuda[deviceIndex] = version = QueryNvidiaSmi(deviceIndex);
            return version;
        }
    }

    private static Version? QueryNvidiaSmi(int deviceIndex)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("nvidia-smi",
                ["--query-gpu=compute_cap", "--format=csv,noheader", "-i", deviceIndex.ToString(CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            });
            if (process is null) return null;
            string output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(10_000)) return null;
            return process.ExitCode == 0 && Version.TryParse(output.Trim(), out var v) ? v : null;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null; // no nvidia-smi on PATH
        }
    }
}
