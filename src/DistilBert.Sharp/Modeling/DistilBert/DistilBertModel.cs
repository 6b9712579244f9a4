using DistilBert.Sharp.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// The bare DistilBERT encoder (HF's <c>DistilBertModel</c>): embeddings followed by <c>n_layers</c> transformer blocks.
/// Returns <see cref="ModelOutput.LastHiddenState"/> [batch, seq, dim] and, on request, every hidden state and attention map.
/// </summary>
public sealed class DistilBertModel : DistilBertPreTrainedModel
{
#pragma warning disable IDE1006 // HF key names
    private readonly Embeddings embeddings;
    private readonly EncoderStack<TransformerBlock> transformer;
#pragma warning restore IDE1006

    /// <summary>Builds the encoder with HF's random initialisation (seed it with <c>torch.manual_seed</c>).</summary>
    public DistilBertModel(DistilBertConfig config) : this(config, initialize: true) { }

    internal DistilBertModel(DistilBertConfig config, bool initialize) : base(nameof(DistilBertModel), config)
    {
        embeddings = new Embeddings(DistilBertConfig);
        transformer = new EncoderStack<TransformerBlock>("transformer", DistilBertConfig.NLayers, () => new TransformerBlock(DistilBertConfig));
        RegisterComponents();
        if (initialize) DistilBertInitializer.Initialize(this);
    }

    /// <summary>
    /// Loads a local HF model folder (or a <c>.safetensors</c> file with <c>config.json</c> beside it); a head checkpoint
    /// loads too (its head weights are reported unexpected in <see cref="PreTrainedModel.LastLoadReport"/>).
    /// </summary>
    public static DistilBertModel FromPretrained(string pathOrHubId, PretrainedOptions? options = null) =>
        LoadPretrained(pathOrHubId, options, c => new DistilBertModel(c));

    internal Embeddings Embeddings => embeddings;

    /// <summary>The word embedding matrix [vocab, dim] (HF's <c>get_input_embeddings().weight</c>).</summary>
    public TorchSharp.Modules.Parameter WordEmbeddings => embeddings.WordEmbeddingWeight;

    /// <summary>Encodes a batch; labels are ignored (the bare encoder has no loss).</summary>
    public override ModelOutput forward(ModelInputs inputs)
    {
        InputValidation.ValidateEncoderInputs(inputs, DistilBertConfig.VocabSize, DistilBertConfig.MaxPositionEmbeddings, embeddings.WordEmbeddingWeight.device);
        using var scope = NewDisposeScope();
        var hidden = embeddings.call(inputs.InputIds);
        var masks = AttentionMasks.FromPaddingMask(inputs.AttentionMask, hidden.dtype);
        var hiddenStates = inputs.OutputHiddenStates ? new List<Tensor>() : null;
        var attentions = inputs.OutputAttentions ? new List<Tensor>() : null;
        hidden = transformer.Forward(hidden, masks, hiddenStates, attentions);
        return EncoderResults.Lift(hidden, hiddenStates, attentions);
    }
}
