using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// DistilBERT with the masked-language-model head (HF's <c>DistilBertForMaskedLM</c>): vocab_transform → activation →
/// vocab_layer_norm → vocab_projector, whose weight is tied to the word embeddings when <c>tie_word_embeddings</c> is set.
/// With labels the loss is cross-entropy over all positions, ignoring label -100.
/// </summary>
public sealed class DistilBertForMaskedLM : DistilBertPreTrainedModel
{
#pragma warning disable IDE1006 // HF key names
    private readonly DistilBertModel distilbert;
    private readonly Linear vocab_transform;
    private readonly LayerNorm vocab_layer_norm;
    private readonly nn.Module<Tensor, Tensor> vocab_projector;
#pragma warning restore IDE1006

    /// <summary>Builds the model with HF's random initialisation (seed it with <c>torch.manual_seed</c>).</summary>
    public DistilBertForMaskedLM(DistilBertConfig config) : base(nameof(DistilBertForMaskedLM), config)
    {
        distilbert = new DistilBertModel(DistilBertConfig, initialize: false);
        vocab_transform = nn.Linear(DistilBertConfig.Dim, DistilBertConfig.Dim);
        vocab_layer_norm = nn.LayerNorm(DistilBertConfig.Dim, eps: 1e-12);
        vocab_projector = DistilBertConfig.TieWordEmbeddings
            ? new TiedVocabProjector(distilbert.Embeddings, DistilBertConfig.VocabSize)
            : nn.Linear(DistilBertConfig.Dim, DistilBertConfig.VocabSize);
        RegisterComponents();
        DistilBertInitializer.Initialize(this);
    }

    /// <summary>Loads a checkpoint folder (or file).</summary>
    public static DistilBertForMaskedLM FromPretrained(string pathOrHubId, PretrainedOptions? options = null) =>
        LoadPretrained(pathOrHubId, options, c => new DistilBertForMaskedLM(c));

    /// <summary>The encoder under the head (HF's <c>model.distilbert</c>).</summary>
    public DistilBertModel DistilBert => distilbert;

    /// <inheritdoc />
    protected internal override IReadOnlyCollection<string> TiedWeightKeys =>
        DistilBertConfig.TieWordEmbeddings ? ["vocab_projector.weight"] : [];

    /// <summary>Returns logits [batch, seq, vocab] and, when labels [batch, seq] are given, the masked-LM loss.</summary>
    public override ModelOutput forward(ModelInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var scope = NewDisposeScope();
        var encoded = distilbert.call(inputs with { Labels = null });
        var x = Activations.Apply(DistilBertConfig.Activation, MixedPrecision.Linear(vocab_transform, encoded.LastHiddenState!));
        var normed = vocab_layer_norm.call(x);
        // The untied projector is a Linear and follows the bf16 rules; the tied one reads the fp32 embedding matrix.
        var logits = vocab_projector is Linear untied ? MixedPrecision.Linear(untied, normed) : vocab_projector.call(normed);
        var loss = inputs.Labels is { } labels ? Losses.TokenCrossEntropy(logits, labels, inputs.InputIds, "Masked-LM") : null;
        return new ModelOutput
        {
            Loss = loss?.MoveToOuterDisposeScope(),
            Logits = logits.MoveToOuterDisposeScope(),
            HiddenStates = encoded.HiddenStates?.Select(t => t.MoveToOuterDisposeScope()).ToArray(),
            Attentions = encoded.Attentions?.Select(t => t.MoveToOuterDisposeScope()).ToArray(),
        };
    }
}
