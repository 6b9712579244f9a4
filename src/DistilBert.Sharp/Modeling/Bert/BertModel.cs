using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// The bare BERT encoder with its pooler (HF's <c>BertModel</c>): embeddings (word, token type, position), the layer
/// stack, and dense+tanh over the first token. Returns <see cref="ModelOutput.LastHiddenState"/> [batch, seq, hidden],
/// <see cref="ModelOutput.PoolerOutput"/> [batch, hidden] and, on request, every hidden state and attention map.
/// </summary>
public sealed class BertModel : BertPreTrainedModel
{
#pragma warning disable IDE1006 // HF key names
    private readonly BertEmbeddings embeddings;
    private readonly EncoderStack<BertLayer> encoder;
    private readonly BertPooler pooler;
#pragma warning restore IDE1006

    /// <summary>Builds the encoder with HF's random initialisation (seed it with <c>torch.manual_seed</c>).</summary>
    public BertModel(BertConfig config) : this(config, initialize: true) { }

    internal BertModel(BertConfig config, bool initialize) : base(nameof(BertModel), config)
    {
        embeddings = new BertEmbeddings(BertConfig);
        encoder = new EncoderStack<BertLayer>("encoder", BertConfig.NumHiddenLayers, () => new BertLayer(BertConfig));
        pooler = new BertPooler(BertConfig);
        RegisterComponents();
        if (initialize) InitializeWeights();
    }

    /// <summary>
    /// Loads a local HF model folder (or a <c>.safetensors</c> file with <c>config.json</c> beside it), sharded and F16
    /// checkpoints included; a head checkpoint loads too (its head weights are reported unexpected in
    /// <see cref="PreTrainedModel.LastLoadReport"/>), and old <c>position_ids</c> buffers are ignored.
    /// </summary>
    public static BertModel FromPretrained(string pathOrHubId, PretrainedOptions? options = null) =>
        LoadPretrained(pathOrHubId, options, c => new BertModel(c));

    /// <summary>The word embedding matrix [vocab, hidden] (HF's <c>get_input_embeddings().weight</c>).</summary>
    public TorchSharp.Modules.Parameter WordEmbeddings => embeddings.WordEmbeddingWeight;

    /// <summary>Encodes a batch; <see cref="ModelInputs.TokenTypeIds"/> null means segment 0 everywhere; labels are ignored.</summary>
    public override ModelOutput forward(ModelInputs inputs)
    {
        InputValidation.ValidateEncoderInputs(inputs, BertConfig.VocabSize, BertConfig.MaxPositionEmbeddings, embeddings.WordEmbeddingWeight.device);
        InputValidation.ValidateTokenTypeIds(inputs, BertConfig.TypeVocabSize);
        using var scope = NewDisposeScope();
        var hidden = embeddings.call(inputs.InputIds, inputs.TokenTypeIds);
        var masks = AttentionMasks.FromPaddingMask(inputs.AttentionMask, hidden.dtype);
        var hiddenStates = inputs.OutputHiddenStates ? new List<Tensor>() : null;
        var attentions = inputs.OutputAttentions ? new List<Tensor>() : null;
        hidden = encoder.Forward(hidden, masks, hiddenStates, attentions);
        var pooled = pooler.call(hidden);
        return EncoderResults.Lift(hidden, hiddenStates, attentions, pooled);
    }
}
