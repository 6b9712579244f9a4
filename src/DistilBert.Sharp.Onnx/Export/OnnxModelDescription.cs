namespace DistilBert.Sharp.Onnx;

/// <summary>One graph input or output: its name, element type and dimensions (symbolic names are dynamic axes).</summary>
internal sealed record OnnxTensorSpec(string Name, global::Onnx.TensorProto.Types.DataType ElementType, object[] Dims);

/// <summary>What the model computes after the encoder (the task of optimum's export).</summary>
internal enum OnnxHeadKind
{
    /// <summary>The bare encoder: <c>last_hidden_state</c>.</summary>
    FeatureExtraction,
    /// <summary>BERT's bare encoder: <c>last_hidden_state</c> and the pooler's <c>pooler_output</c>.</summary>
    BertFeatureExtraction,
    /// <summary>DistilBERT: hidden[:, 0] → pre_classifier → ReLU → classifier.</summary>
    DistilBertSequenceClassification,
    /// <summary>BERT: pooler (dense + tanh on hidden[:, 0]) → classifier.</summary>
    BertSequenceClassification,
    /// <summary>A classifier on every position.</summary>
    TokenClassification,
    /// <summary>qa_outputs on every position, split into start and end logits.</summary>
    QuestionAnswering,
    /// <summary>DistilBERT's masked-LM head: vocab_transform → activation → vocab_layer_norm → vocab_projector.</summary>
    MaskedLM,
}

/// <summary>
/// Where an encoder's weights live in the state dict and how its layers are shaped. DistilBERT and BERT are the same
/// post-norm encoder under different key names, so one graph writer serves both.
/// </summary>
internal sealed record EncoderLayout
{
    public required string Prefix { get; init; }                 // "distilbert." / "bert." / ""
    public required string TokenTypeEmbeddings { get; init; }    // "" when the model has none
    public required string LayerStem { get; init; }              // "transformer.layer" / "encoder.layer"
    public required string Query { get; init; }
    public required string Key { get; init; }
    public required string Value { get; init; }
    public required string AttentionOutput { get; init; }
    public required string AttentionNorm { get; init; }
    public required string Intermediate { get; init; }
    public required string Output { get; init; }
    public required string OutputNorm { get; init; }
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    public required int Hidden { get; init; }
    public required string Activation { get; init; }
    public required float LayerNormEps { get; init; }
}

/// <summary>
/// The declarative description of one exportable model class (optimum's <c>OnnxConfig</c>): graph inputs with their
/// dynamic axes, outputs for the task, and the encoder layout plus head the graph writer turns into nodes.
/// </summary>
internal sealed record OnnxModelDescription(
    string ModelType,
    string Task,
    IReadOnlyList<OnnxTensorSpec> Inputs,
    IReadOnlyList<OnnxTensorSpec> Outputs,
    EncoderLayout Encoder,
    OnnxHeadKind Head);
