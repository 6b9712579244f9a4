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

    /// <summary>Copies <paramref name="byteCount"/> bytes, in chunks so spans never exceed <see cref="int.MaxValue"/>.</summary>
    public static void Copy(byte* source, byte* destination, long byteCount)
    {
        // Buffer.MemoryCopy handles lengths past 2 GB itself.
        Buffer.MemoryCopy(source, destination, byteCount, byteCount);
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
