using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Onnx;

/// <summary>How <see cref="OnnxExporter"/> quantizes the graph.</summary>
public enum OnnxQuantization
{
    /// <summary>Every weight and activation in float32.</summary>
    None = 0,

    /// <summary>
    /// Dynamic int8, as ONNX Runtime's <c>quantize_dynamic</c> produces for BERT: the weight of every Linear layer
    /// (attention q/k/v/output, both feed-forward layers, pooler and head layers) is stored int8, symmetric, one scale
    /// per output channel; the activation entering each of those layers is quantized to uint8 at run time
    /// (<c>DynamicQuantizeLinear</c>), multiplied in integers (<c>MatMulInteger</c>) and rescaled to float32.
    /// Embeddings, LayerNorm, softmax, the attention score products, activations and biases stay float32.
    /// </summary>
    DynamicInt8 = 1,
}

/// <summary>Options of <see cref="OnnxExporter.Export"/>.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The smallest opset the exporter writes: 17, the first with a single <c>LayerNormalization</c> node.</summary>
    public const int MinimumOpset = 17;

    /// <summary>The largest opset the exporter writes (ONNX Runtime 1.31 runs it).</summary>
    public const int MaximumOpset = 21;

    /// <summary>The ONNX opset of the graph (default 17, optimum's default for BERT-style models at this ONNX version).</summary>
    public int Opset { get; init; } = MinimumOpset;

    /// <summary>Float32 (default) or dynamic int8.</summary>
    public OnnxQuantization Quantization { get; init; } = OnnxQuantization.None;

    /// <summary>
    /// Linear modules that <see cref="OnnxQuantization.DynamicInt8"/> leaves in float32 (ONNX Runtime's
    /// <c>nodes_to_exclude</c>), by HF module name or its trailing components: <c>"classifier"</c>,
    /// <c>"ffn.lin2"</c> (every layer's), <c>"distilbert.transformer.layer.5.ffn.lin1"</c>.
    /// </summary>
    public IReadOnlyCollection<string> ExcludeFromQuantization { get; init; } = [];

    /// <summary>Replace an existing output folder (default: refuse it).</summary>
    public bool Overwrite { get; init; }

    /// <summary>The tokenizer whose files are saved beside the graph (takes precedence over <see cref="TokenizerSource"/>).</summary>
    public DistilBertTokenizer? Tokenizer { get; init; }

    /// <summary>A folder to copy the tokenizer files from (e.g. the folder the model was loaded from).</summary>
    public string? TokenizerSource { get; init; }

    /// <summary>Run the float32 graph in ONNX Runtime against the model before writing anything (default true, as optimum does).</summary>
    public bool Validate { get; init; } = true;

    /// <summary>The largest absolute difference the validation accepts (default 1e-4).</summary>
    public double ValidationTolerance { get; init; } = 1e-4;
}
