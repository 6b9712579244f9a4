using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>HF's <c>BertSelfAttention</c>: the query/key/value projections around the shared <see cref="AttentionKernel"/>.</summary>
internal sealed class BertSelfAttention : nn.Module
{
#pragma warning disable IDE1006 // HF key names
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    private readonly int _heads;
    private readonly int _headDim;
    private readonly double _dropoutP;

    public BertSelfAttention(BertConfig config) : base("self")
    {
        _heads = config.NumAttentionHeads;
        _headDim = config.HeadDim;
        _dropoutP = config.AttentionProbsDropoutProb;
        query = nn.Linear(config.HiddenSize, config.HiddenSize);
        key = nn.Linear(config.HiddenSize, config.HiddenSize);
        value = nn.Linear(config.HiddenSize, config.HiddenSize);
        dropout = nn.Dropout(config.AttentionProbsDropoutProb);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, AttentionMasks masks, bool outputAttentions, out Tensor? weights)
    {
        var q = AttentionKernel.SplitHeads(MixedPrecision.Linear(query, x, keepBf16: true), _heads, _headDim);
        var k = AttentionKernel.SplitHeads(MixedPrecision.Linear(key, x, keepBf16: true), _heads, _headDim);
        var v = AttentionKernel.SplitHeads(MixedPrecision.Linear(value, x, keepBf16: true), _heads, _headDim);
        return AttentionKernel.Attend(q, k, v, masks, training ? _dropoutP : 0.0, dropout, outputAttentions, out weights);
    }
}

/// <summary>
/// HF's <c>BertSelfOutput</c> and <c>BertOutput</c>, which are the same math: dense → dropout → LayerNorm(· + residual).
/// </summary>
internal sealed class BertResidualOutput : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // HF key names
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    public BertResidualOutput(BertConfig config, int inputSize) : base("output")
    {
        dense = nn.Linear(inputSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor residual) => LayerNorm.call(dropout.call(MixedPrecision.Linear(dense, x)) + residual);
}

/// <summary>HF's <c>BertAttention</c>: self-attention (<c>self</c>) then its residual output block (<c>output</c>).</summary>
internal sealed class BertAttention : nn.Module
{
#pragma warning disable IDE1006 // HF key names
    private readonly BertSelfAttention self;
    private readonly BertResidualOutput output;
#pragma warning restore IDE1006

    public BertAttention(BertConfig config) : base("attention")
    {
        self = new BertSelfAttention(config);
        output = new BertResidualOutput(config, config.HiddenSize);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, AttentionMasks masks, bool outputAttentions, out Tensor? weights) =>
        output.call(self.Forward(x, masks, outputAttentions, out weights), x);
}

/// <summary>HF's <c>BertIntermediate</c>: dense → activation.</summary>
internal sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // HF key names
    private readonly Linear dense;
#pragma warning restore IDE1006
    private readonly string _activation;

    public BertIntermediate(BertConfig config) : base("intermediate")
    {
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        _activation = config.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Activations.Apply(_activation, MixedPrecision.Linear(dense, x, keepBf16: true));
}

/// <summary>HF's <c>BertLayer</c>: attention block, then the feed-forward (<c>intermediate</c> + <c>output</c>) block.</summary>
internal sealed class BertLayer : nn.Module, IEncoderLayer
{
#pragma warning disable IDE1006 // HF key names
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertResidualOutput output;
#pragma warning restore IDE1006

    public BertLayer(BertConfig config) : base("layer")
    {
        attention = new BertAttention(config);
        intermediate = new BertIntermediate(config);
        output = new BertResidualOutput(config, config.IntermediateSize);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, AttentionMasks masks, bool outputAttentions, out Tensor? weights)
    {
        var attended = attention.Forward(x, masks, outputAttentions, out weights);
        return output.call(intermediate.call(attended), attended);
    }
}

/// <summary>HF's <c>BertPooler</c>: the first token's hidden state through dense → tanh.</summary>
internal sealed class BertPooler : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // HF key names
    private readonly Linear dense;
#pragma warning restore IDE1006

    public BertPooler(BertConfig config) : base("pooler")
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden) => MixedPrecision.Linear(dense, hidden[TensorIndex.Colon, 0]).tanh();
}
