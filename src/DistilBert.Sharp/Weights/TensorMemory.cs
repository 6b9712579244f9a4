using System.Runtime.InteropServices;
using TorchSharp;

namespace DistilBert.Sharp.Weights;

/// <summary>
/// Raw access to a CPU tensor's storage, so weights can be read from a file straight into a parameter (one copy, no
/// managed staging array the size of the tensor).
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

    /// <summary>
    /// Converts <paramref name="count"/> elements of <paramref name="from"/> (F16, BF16 or F64) at
    /// <paramref name="source"/> into F32 at <paramref name="destination"/>. Both ranges must be owned by the caller
    /// (the reader passes a buffer it has just filled, never a memory map that a truncation could invalidate).
    /// </summary>
    public static void ConvertToF32(SafetensorsDType from, byte* source, float* destination, long count)
    {
        switch (from)
        {
            case SafetensorsDType.F16:
            {
                var src = (Half*)source;
                for (long i = 0; i < count; i++) destination[i] = (float)src[i]; // exact: every F16 is an F32
                return;
            }
            case SafetensorsDType.BF16:
            {
                // BF16 is the upper 16 bits of an F32, so widening is a shift (exact, NaN payloads preserved).
                var src = (ushort*)source;
                var dst = (uint*)destination;
                for (long i = 0; i < count; i++) dst[i] = (uint)src[i] << 16;
                return;
            }
            case SafetensorsDType.F64:
            {
                var src = (double*)source;
                for (long i = 0; i < count; i++) destination[i] = (float)src[i]; // round to nearest, as torch does
                return;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(from), from, "Only F16, BF16 and F64 convert to F32 here.");
        }
    }
}
