using System.Buffers.Binary;
using System.Text;

namespace DistilBert.Sharp.Tests.Weights;

/// <summary>
/// Builds safetensors files byte by byte, independently of the library's writer, so reader tests check the format
/// itself rather than a round trip through our own code.
/// </summary>
internal static class SafetensorsBytes
{
    /// <summary>Length prefix (little-endian u64) + header JSON (space-padded to 8 bytes) + data.</summary>
    public static byte[] Build(string headerJson, byte[] data, bool pad = true)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        int padded = pad ? (header.Length + 7) / 8 * 8 : header.Length;
        var bytes = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        header.CopyTo(bytes, 8);
        for (int i = 8 + header.Length; i < 8 + padded; i++) bytes[i] = (byte)' ';
        data.CopyTo(bytes, 8 + padded);
        return bytes;
    }

    /// <summary>Raw little-endian bytes of unmanaged values.</summary>
    public static byte[] Raw<T>(params T[] values) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>Concatenates byte arrays.</summary>
    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
