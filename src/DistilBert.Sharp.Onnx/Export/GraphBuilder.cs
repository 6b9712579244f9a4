using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace DistilBert.Sharp.Onnx;

/// <summary>
/// Accumulates ONNX nodes, initializers, inputs and outputs, then writes a <see cref="ModelProto"/>. The protobuf types
/// come from OnnxSharp: a maintained package whose classes are generated from the official onnx.proto with
/// Google.Protobuf, so we neither hand-write the wire format nor compile the schema in our build.
/// </summary>
internal sealed class GraphBuilder
{
    private readonly GraphProto _graph = new() { Name = "main_graph" };
    private readonly Dictionary<string, int> _nameCounts = [];
    private readonly Dictionary<string, string> _scalarCache = [];

    /// <summary>The graph being built (the quantizer rewrites it in place).</summary>
    public GraphProto Graph => _graph;

    /// <summary>A fresh value name with the given stem (unique within the graph).</summary>
    public string Fresh(string stem)
    {
        int n = _nameCounts.TryGetValue(stem, out int c) ? c + 1 : 0;
        _nameCounts[stem] = n;
        return n == 0 ? stem : $"{stem}_{n}";
    }

    /// <summary>Declares a graph input with symbolic (string) or fixed (long) dimensions.</summary>
    public void Input(string name, TensorProto.Types.DataType type, params object[] dims) => _graph.Input.Add(ValueInfo(name, type, dims));

    /// <summary>Declares a graph output.</summary>
    public void Output(string name, TensorProto.Types.DataType type, params object[] dims) => _graph.Output.Add(ValueInfo(name, type, dims));

    /// <summary>Adds a float initializer from raw little-endian data.</summary>
    public string Initializer(string name, float[] data, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(data.AsSpan()), dims);

    /// <summary>Adds an int64 initializer.</summary>
    public string Initializer(string name, long[] data, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(data.AsSpan()), dims);

    /// <summary>Adds an int8 initializer.</summary>
    public string Initializer(string name, sbyte[] data, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Int8, MemoryMarshal.AsBytes(data.AsSpan()), dims);

    /// <summary>A shared float scalar constant (one initializer per distinct value).</summary>
    public string Scalar(float value)
    {
        string key = "f:" + BitConverter.SingleToInt32Bits(value);
        if (!_scalarCache.TryGetValue(key, out string? name))
            _scalarCache[key] = name = Initializer(Fresh("const_f"), [value]);
        return name;
    }

    /// <summary>A shared int64 1-D constant.</summary>
    public string Ints(params long[] values)
    {
        string key = "i:" + string.Join(",", values);
        if (!_scalarCache.TryGetValue(key, out string? name))
            _scalarCache[key] = name = Initializer(Fresh("const_i"), values, values.Length);
        return name;
    }

    /// <summary>A shared int64 scalar (0-d) constant.</summary>
    public string IntScalar(long value)
    {
        string key = "s:" + value;
        if (!_scalarCache.TryGetValue(key, out string? name))
            _scalarCache[key] = name = Initializer(Fresh("const_s"), [value]);
        return name;
    }

    /// <summary>Adds a node with one output named after <paramref name="stem"/>; returns the output's name.</summary>
    public string Node(string opType, string stem, string[] inputs, params AttributeProto[] attributes) =>
        NodeMulti(opType, [Fresh(stem)], inputs, attributes)[0];

    /// <summary>Adds a node with the given output names.</summary>
    public string[] NodeMulti(string opType, string[] outputs, string[] inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Fresh(opType + "_node") };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A float attribute.</summary>
    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>An integer-list attribute.</summary>
    public static AttributeProto Attr(string name, long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>Wraps the graph in a model with the given opset and producer metadata.</summary>
    public ModelProto Build(int opset, IReadOnlyDictionary<string, string> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = 8, // ONNX 1.13+; every opset from 17 on is valid under IR 8 and ORT 1.31 reads it
            ProducerName = "DistilBert.Sharp.Onnx",
            ProducerVersion = typeof(GraphBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        foreach (var (key, value) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    private string AddInitializer(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> raw, long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return name;
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object d in dims)
        {
            shape.Dim.Add(d switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                long value => new TensorShapeProto.Types.Dimension { DimValue = value },
                int value => new TensorShapeProto.Types.Dimension { DimValue = value },
                _ => throw new ArgumentException($"dimension {d} must be a string or an integer", nameof(dims)),
            });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
