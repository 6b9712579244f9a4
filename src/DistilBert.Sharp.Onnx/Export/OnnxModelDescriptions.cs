using DistilBert.Sharp.Modeling;
using static global::Onnx.TensorProto.Types;

namespace DistilBert.Sharp.Onnx;

/// <summary>The descriptions of every exportable class; optimum's names for axes, inputs and outputs.</summary>
internal static class OnnxModelDescriptions
{
    public const string Batch = "batch_size";
    public const string Sequence = "sequence_length";

    /// <summary>The class names <see cref="For"/> accepts.</summary>
    public static IReadOnlyList<string> SupportedClasses { get; } =
    [
        nameof(DistilBertModel), nameof(DistilBertForSequenceClassification), nameof(DistilBertForTokenClassification),
        nameof(DistilBertForQuestionAnswering), nameof(DistilBertForMaskedLM), nameof(BertModel), nameof(BertForSequenceClassification),
    ];

    /// <summary>The description of <paramref name="model"/>'s class.</summary>
    /// <exception cref="NotSupportedException">The class has no ONNX description.</exception>
    public static OnnxModelDescription For(PreTrainedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model switch
        {
            DistilBertModel m => DistilBert(m.DistilBertConfig, "", "feature-extraction", OnnxHeadKind.FeatureExtraction, Hidden(m.DistilBertConfig.Dim)),
            DistilBertForSequenceClassification m => DistilBert(m.DistilBertConfig, "distilbert.", "text-classification",
                OnnxHeadKind.DistilBertSequenceClassification, Logits(m.DistilBertConfig.NumLabels)),
            DistilBertForTokenClassification m => DistilBert(m.DistilBertConfig, "distilbert.", "token-classification",
                OnnxHeadKind.TokenClassification, new OnnxTensorSpec("logits", DataType.Float, [Batch, Sequence, (long)m.DistilBertConfig.NumLabels])),
            DistilBertForQuestionAnswering m => DistilBert(m.DistilBertConfig, "distilbert.", "question-answering", OnnxHeadKind.QuestionAnswering,
                new OnnxTensorSpec("start_logits", DataType.Float, [Batch, Sequence]), new OnnxTensorSpec("end_logits", DataType.Float, [Batch, Sequence])),
            DistilBertForMaskedLM m => DistilBert(m.DistilBertConfig, "distilbert.", "fill-mask", OnnxHeadKind.MaskedLM,
                new OnnxTensorSpec("logits", DataType.Float, [Batch, Sequence, (long)m.DistilBertConfig.VocabSize])),
            BertModel m => Bert(m.BertConfig, "", "feature-extraction", OnnxHeadKind.BertFeatureExtraction, Hidden(m.BertConfig.HiddenSize),
                new OnnxTensorSpec("pooler_output", DataType.Float, [Batch, (long)m.BertConfig.HiddenSize])),
            BertForSequenceClassification m => Bert(m.BertConfig, "bert.", "text-classification", OnnxHeadKind.BertSequenceClassification,
                Logits(m.BertConfig.NumLabels)),
            _ => throw new NotSupportedException(
                $"ONNX export does not support {model.GetType().Name}; supported classes: {string.Join(", ", SupportedClasses)}."),
        };
    }

    private static OnnxTensorSpec Hidden(int size) => new("last_hidden_state", DataType.Float, [Batch, Sequence, (long)size]);

    private static OnnxTensorSpec Logits(int labels) => new("logits", DataType.Float, [Batch, (long)labels]);

    private static OnnxTensorSpec TokenInput(string name) => new(name, DataType.Int64, [Batch, Sequence]);

    private static OnnxModelDescription DistilBert(DistilBertConfig c, string prefix, string task, OnnxHeadKind head, params OnnxTensorSpec[] outputs) =>
        new("distilbert", task, [TokenInput("input_ids"), TokenInput("attention_mask")], outputs, new EncoderLayout
        {
            Prefix = prefix,
            TokenTypeEmbeddings = "",
            LayerStem = "transformer.layer",
            Query = "attention.q_lin",
            Key = "attention.k_lin",
            Value = "attention.v_lin",
            AttentionOutput = "attention.out_lin",
            AttentionNorm = "sa_layer_norm",
            Intermediate = "ffn.lin1",
            Output = "ffn.lin2",
            OutputNorm = "output_layer_norm",
            Layers = c.NLayers,
            Heads = c.NHeads,
            Hidden = c.Dim,
            Activation = c.Activation,
            LayerNormEps = 1e-12f, // DistilBERT's LayerNorms hard-code eps = 1e-12 (no config key)
        }, head);

    private static OnnxModelDescription Bert(BertConfig c, string prefix, string task, OnnxHeadKind head, params OnnxTensorSpec[] outputs) =>
        new("bert", task, [TokenInput("input_ids"), TokenInput("attention_mask"), TokenInput("token_type_ids")], outputs, new EncoderLayout
        {
            Prefix = prefix,
            TokenTypeEmbeddings = "embeddings.token_type_embeddings",
            LayerStem = "encoder.layer",
            Query = "attention.self.query",
            Key = "attention.self.key",
            Value = "attention.self.value",
            AttentionOutput = "attention.output.dense",
            AttentionNorm = "attention.output.LayerNorm",
            Intermediate = "intermediate.dense",
            Output = "output.dense",
            OutputNorm = "output.LayerNorm",
            Layers = c.NumHiddenLayers,
            Heads = c.NumAttentionHeads,
            Hidden = c.HiddenSize,
            Activation = c.HiddenAct,
            LayerNormEps = (float)c.LayerNormEps,
        }, head);
}
