using System.Runtime.InteropServices;
using TorchSharp;

namespace DistilBert.Sharp.Weights;

/// <summary>
/// Raw access to a CPU tensor's storage, so weights can be copied from a memory-mapped file straight into a parameter
/// (one copy, no managed staging array).
/// </summary>
/// <remarks>
/// TorchSharp 0.107 has no public <c>data_ptr()</c>; <c>THSTensor_data</c> is the stable C entry point of its native
/// shim (the one TorchSharp's own accessors use) and returns <c>tensor.data_ptr()</c>, storage offset included.
/// </remarks>
internal static unsafe partial class TensorMemory
{
    [LibraryImport("LibTorchSharp", EntryPoint = "THSTensor_data")]
    private static partial IntPtr THSTensor_data(IntPtr tensor);

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(IntPtr address, nuint length, int advice);

    private const int MadvPopulateRead = 22; // Linux 5.14+
    private static volatile bool _populateUnsupported = !OperatingSystem.IsLinux();

    /// <summary>
    /// Maps the pages of a memory-mapped range in one system call before they are copied. Touching a fresh mapping
    /// page by page costs one fault per 4 KB (about 22,000 for a 90 MB checkpoint), which dominated load time;
    /// MADV_POPULATE_READ does the same work in a batch. Best effort: on other systems or older kernels it does nothing.
    /// </summary>
    public static void Prefault(byte* start, long length)
    {
        if (_populateUnsupported || length < 64 * 1024) return;
        long page = Environment.SystemPageSize;
        long begin = (long)start & ~(page - 1);
        long end = (long)start + length;
        try
        {
            if (Madvise((IntPtr)begin, (nuint)(end - begin), MadvPopulateRead) != 0) _populateUnsupported = true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _populateUnsupported = true;
        }
    }

    /// <summary>Whether <paramref name="tensor"/> can be written through <see cref="DataPointer"/>.</summary>
    public static bool IsWritableCpuContiguous(torch.Tensor tensor) =>
        tensor.device_type == DeviceType.CPU && tensor.is_contiguous();

    /// <summary>Pointer to the first element of a CPU tensor; throws when the native call reports a null pointer.</summary>
    public static byte* DataPointer(torch.Tensor tensor)
    {
        IntPtr p = THSTensor_data(tensor.Handle);
        if (p == IntPtr.Zero && tensor.numel() > 0) torch.CheckForErrors();
        return (byte*)p;
    }

    /// <summary>
    /// Converts <paramref name="count"/> elements of <paramref name="from"/> at <paramref name="source"/> into F32 at
    /// <paramref name="destination"/>. Returns false when this pair is not a supported fast path.
    /// </summary>
    public static bool TryConvertToF32(SafetensorsDType from, byte* source, float* destination, long count)
    {
        switch (from)
        {
            case SafetensorsDType.F16:
            {
                var src = (Half*)source;
                for (long i = 0; i < count; i++) destination[i] = (float)src[i]; // exact: every F16 is an F32
                return true;
            }
            case SafetensorsDType.BF16:
            {
                // BF16 is the upper 16 bits of an F32, so widening is a shift (exact, NaN payloads preserved).
                var src = (ushort*)source;
                var dst = (uint*)destination;
                for (long i = 0; i < count; i++) dst[i] = (uint)src[i] << 16;
                return true;
            }
            case SafetensorsDType.F64:
            {
                var src = (double*)source;
                for (long i = 0; i < count; i++) destination[i] = (float)src[i]; // round to nearest, as torch does
                return true;
            }
            default:
                return false;
        }
    }
}
