using Onnx;
using static DistilBert.Sharp.Onnx.GraphBuilder;

namespace DistilBert.Sharp.Onnx;

/// <summary>
/// Writes the ONNX graph of any <see cref="OnnxModelDescription"/>: embeddings, the post-norm encoder layers, the head.
/// Each step mirrors the TorchSharp forward in eval mode (dropout is the identity), node for node where it matters
/// for numerics: the padding mask becomes an additive finfo.min bias as the library's attention does, LayerNorm is one
/// <c>LayerNormalization</c> node (opset 17), GELU is the exact erf form HF's "gelu" selects.
/// </summary>
internal sealed class EncoderGraphWriter
{
    private readonly GraphBuilder _g;
    private readonly IWeightSource _weights;
    private readonly OnnxModelDescription _d;
    private readonly EncoderLayout _e;
    private readonly HashSet<string> _initialized = [];

    private EncoderGraphWriter(GraphBuilder graph, IWeightSource weights, OnnxModelDescription description)
    {
        _g = graph;
        _weights = weights;
        _d = description;
        _e = description.Encoder;
    }

    /// <summary>Writes the whole graph into <paramref name="graph"/>.</summary>
    public static void Write(GraphBuilder graph, IWeightSource weights, OnnxModelDescription description)
    {
        var writer = new EncoderGraphWriter(graph, weights, description);
        foreach (var input in description.Inputs) graph.Input(input.Name, input.ElementType, input.Dims);
        string hidden = writer.Encoder();
        writer.Head(hidden);
        foreach (var output in description.Outputs) graph.Output(output.Name, output.ElementType, output.Dims);
    }

    private string Encoder()
    {
        string p = _e.Prefix;
        // Embeddings: words (+ token types) + positions 0..seq-1, then LayerNorm (HF's summation order).
        string words = _g.Node("Gather", "word_embeddings", [Weight(p + "embeddings.word_embeddings.weight"), "input_ids"]);
        if (_e.TokenTypeEmbeddings.Length > 0)
            words = _g.Node("Add", "embeddings_add", [words, _g.Node("Gather", "token_type_embeddings", [Weight(p + _e.TokenTypeEmbeddings + ".weight"), "token_type_ids"])]);
        string seqLength = _g.Node("Gather", "seq_length", [_g.Node("Shape", "input_shape", ["input_ids"]), _g.IntScalar(1)], Attr("axis", 0L));
        string positions = _g.Node("Range", "position_ids", [_g.IntScalar(0), seqLength, _g.IntScalar(1)]);
        string embedded = _g.Node("Add", "embeddings_sum", [words, _g.Node("Gather", "position_embeddings", [Weight(p + "embeddings.position_embeddings.weight"), positions])]);
        string hidden = LayerNorm(embedded, p + "embeddings.LayerNorm");

        // Padding mask → additive bias [batch, 1, 1, seq]: finfo(float32).min where attention_mask == 0, else 0.
        string isPad = _g.Node("Cast", "mask_is_pad", [_g.Node("Equal", "mask_eq_zero", ["attention_mask", _g.Initializer(_g.Fresh("const_zero_i64"), [0L])])],
            Attr("to", (long)TensorProto.Types.DataType.Float));
        string bias = _g.Node("Unsqueeze", "attention_bias", [_g.Node("Mul", "mask_scaled", [isPad, _g.Scalar(float.MinValue)]), _g.Ints(1, 2)]);

        for (int i = 0; i < _e.Layers; i++) hidden = Layer(hidden, bias, $"{p}{_e.LayerStem}.{i}.");
        return hidden;
    }

    private string Layer(string x, string bias, string l)
    {
        int headDim = _e.Hidden / _e.Heads;
        string q = SplitHeads(Linear(x, l + _e.Query), [0, 2, 1, 3]);
        string kT = SplitHeads(Linear(x, l + _e.Key), [0, 2, 3, 1]);   // keys transposed for q·kᵀ
        string v = SplitHeads(Linear(x, l + _e.Value), [0, 2, 1, 3]);
        string scores = _g.Node("Mul", "attention_scores", [_g.Node("MatMul", "qk", [q, kT]), _g.Scalar((float)(1.0 / Math.Sqrt(headDim)))]);
        string probs = _g.Node("Softmax", "attention_probs", [_g.Node("Add", "masked_scores", [scores, bias])], Attr("axis", -1L));
        string context = _g.Node("Transpose", "context_t", [_g.Node("MatMul", "context", [probs, v])], Attr("perm", new long[] { 0, 2, 1, 3 }));
        context = _g.Node("Reshape", "context_merged", [context, _g.Ints(0, 0, _e.Hidden)]);
        string attended = LayerNorm(_g.Node("Add", "attention_residual", [Linear(context, l + _e.AttentionOutput), x]), l + _e.AttentionNorm);
        string ffn = Linear(Activation(Linear(attended, l + _e.Intermediate), _e.Activation), l + _e.Output);
        return LayerNorm(_g.Node("Add", "ffn_residual", [ffn, attended]), l + _e.OutputNorm);
    }

    private void Head(string hidden)
    {
        string p = _e.Prefix;
        switch (_d.Head)
        {
            case OnnxHeadKind.FeatureExtraction:
                Rename(hidden, "last_hidden_state");
                break;
            case OnnxHeadKind.BertFeatureExtraction:
                string pooled = Pooler(hidden, p + "pooler.dense");
                Rename(hidden, "last_hidden_state");
                Rename(pooled, "pooler_output");
                break;
            case OnnxHeadKind.DistilBertSequenceClassification:
                Rename(Linear(_g.Node("Relu", "pre_classifier_relu", [Linear(FirstToken(hidden), "pre_classifier")]), "classifier"), "logits");
                break;
            case OnnxHeadKind.BertSequenceClassification:
                Rename(Linear(Pooler(hidden, p + "pooler.dense"), "classifier"), "logits");
                break;
            case OnnxHeadKind.TokenClassification:
                Rename(Linear(hidden, "classifier"), "logits");
                break;
            case OnnxHeadKind.QuestionAnswering:
                string spans = Linear(hidden, "qa_outputs");
                Rename(_g.Node("Gather", "start", [spans, _g.IntScalar(0)], Attr("axis", 2L)), "start_logits");
                Rename(_g.Node("Gather", "end", [spans, _g.IntScalar(1)], Attr("axis", 2L)), "end_logits");
                break;
            case OnnxHeadKind.MaskedLM:
                string transformed = LayerNorm(Activation(Linear(hidden, "vocab_transform"), _e.Activation), "vocab_layer_norm");
                // A tied projector reads the word embedding matrix, as the library's TiedVocabProjector does.
                string weight = _weights.Contains("vocab_projector.weight") ? "vocab_projector.weight" : p + "embeddings.word_embeddings.weight";
                Rename(LinearWith(transformed, weight, "vocab_projector.bias"), "logits");
                break;
            default:
                throw new NotSupportedException($"head {_d.Head} has no graph writer.");
        }
    }

    private string FirstToken(string hidden) => _g.Node("Gather", "first_token", [hidden, _g.IntScalar(0)], Attr("axis", 1L));

    private string Pooler(string hidden, string dense) => _g.Node("Tanh", "pooler_tanh", [Linear(FirstToken(hidden), dense)]);

    private string SplitHeads(string x, long[] perm) =>
        _g.Node("Transpose", "heads", [_g.Node("Reshape", "split_heads", [x, _g.Ints(0, 0, _e.Heads, _e.Hidden / _e.Heads)])], Attr("perm", perm));

    private string Linear(string x, string module) => LinearWith(x, module + ".weight", module + ".bias");

    /// <summary>nn.Linear as MatMul by the transposed weight [in, out] plus Add bias (the form torch.onnx and optimum emit).</summary>
    private string LinearWith(string x, string weightKey, string biasKey)
    {
        var (w, shape) = _weights.Get(weightKey, transpose: true);
        string weight = _g.Initializer(weightKey + ".T", w, shape);
        string product = _g.Node("MatMul", "matmul", [x, weight]);
        return _weights.Contains(biasKey) ? _g.Node("Add", "linear", [product, Weight(biasKey)]) : product;
    }

    private string LayerNorm(string x, string module) =>
        _g.Node("LayerNormalization", "layer_norm", [x, Weight(module + ".weight"), Weight(module + ".bias")],
            Attr("axis", -1L), Attr("epsilon", _e.LayerNormEps));

    private string Activation(string x, string name) => name switch
    {
        // HF's "gelu": (x · ½) · (1 + erf(x / √2)), the exact form, written as ORT's GeluFusion matches it (a Div by √2,
        // not a Mul by 1/√2), so ORT runs one Gelu kernel.
        "gelu" => _g.Node("Mul", "gelu", [_g.Node("Mul", "gelu_half", [x, _g.Scalar(0.5f)]),
            _g.Node("Add", "gelu_1p", [_g.Node("Erf", "gelu_erf", [_g.Node("Div", "gelu_scaled", [x, _g.Scalar((float)Math.Sqrt(2.0))])]), _g.Scalar(1f)])]),
        "relu" => _g.Node("Relu", "relu", [x]),
        "silu" or "swish" => _g.Node("Mul", "silu", [x, _g.Node("Sigmoid", "sigmoid", [x])]),
        "tanh" => _g.Node("Tanh", "tanh", [x]),
        _ => throw new NotSupportedException($"activation '{name}' has no ONNX form here."),
    };

    private string Weight(string key)
    {
        if (_initialized.Contains(key)) return key;
        var (data, shape) = _weights.Get(key);
        _initialized.Add(key);
        return _g.Initializer(key, data, shape);
    }

    /// <summary>Gives the last node producing <paramref name="value"/> the graph output's name.</summary>
    private void Rename(string value, string name)
    {
        foreach (var node in _g.Graph.Node)
            for (int i = 0; i < node.Output.Count; i++)
                if (node.Output[i] == value) node.Output[i] = name;
        foreach (var node in _g.Graph.Node)
            for (int i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == value) node.Input[i] = name;
    }
}
