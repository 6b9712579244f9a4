namespace DistilBert.Sharp.Weights;

/// <summary>One tensor entry of a safetensors header, already validated.</summary>
public sealed class SafetensorsTensorInfo
{
    private readonly long[] _shape;

    internal SafetensorsTensorInfo(string name, SafetensorsDType dtype, long[] shape, long dataStart, long dataEnd)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        DataStart = dataStart;
        DataEnd = dataEnd;
        long count = 1;
        foreach (long d in shape) count *= d; // overflow was ruled out by the parser
        ElementCount = count;
    }

    /// <summary>The tensor's key in the file.</summary>
    public string Name { get; }

    /// <summary>The stored element type.</summary>
    public SafetensorsDType DType { get; }

    /// <summary>The shape (a fresh copy on every call, so callers cannot alter the file's description).</summary>
    public long[] Shape => (long[])_shape.Clone();

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of elements (1 for a scalar, 0 when a dimension is 0).</summary>
    public long ElementCount { get; }

    /// <summary>Start of the data, in bytes, relative to the beginning of the data region (after the header).</summary>
    public long DataStart { get; }

    /// <summary>End (exclusive) of the data, relative to the beginning of the data region.</summary>
    public long DataEnd { get; }

    /// <summary>Length of the data in bytes.</summary>
    public long ByteLength => DataEnd - DataStart;

    internal ReadOnlySpan<long> ShapeSpan => _shape;

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {DType}[{string.Join(", ", _shape)}] @ [{DataStart}, {DataEnd})";
}
