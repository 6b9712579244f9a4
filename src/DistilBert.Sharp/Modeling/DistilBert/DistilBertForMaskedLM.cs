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

    /// <summary>
    /// When set, a training-mode forward pass with labels runs the vocabulary projection only at the labelled positions
    /// (labels other than -100) and returns <see cref="ModelOutput.Logits"/> of shape [labelled tokens, vocab] in
    /// row-major position order. The loss is the same as HF's, which projects every position; with 15% masking this
    /// skips ~85% of the head's work, which on a 6-layer encoder is about as large as the encoder itself. Off by default
    /// (HF's output shapes); evaluation mode always returns full [batch, seq, vocab] logits.
    /// </summary>
    public bool ProjectOnlyLabeledTokensWhenTraining { get; set; }

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
        var hidden = encoded.LastHiddenState!;
        Tensor? labeledRows = null, labeledTargets = null;
        if (ProjectOnlyLabeledTokensWhenTraining && training && inputs.Labels is { } trainLabels)
        {
            Losses.ValidateTokenLabels(trainLabels, inputs.InputIds, DistilBertConfig.VocabSize, "Masked-LM");
            // The head is position-wise, so projecting the gathered rows gives exactly the rows of the full projection.
            var flatLabels = trainLabels.reshape(-1).to_type(ScalarType.Int64);
            labeledRows = flatLabels.ne(Losses.IgnoreIndex).nonzero().squeeze(1);
            labeledTargets = flatLabels.index_select(0, labeledRows);
            hidden = hidden.reshape(-1, hidden.shape[^1]).index_select(0, labeledRows);
        }
        var x = Activations.Apply(DistilBertConfig.Activation, MixedPrecision.Linear(vocab_transform, hidden));
        var normed = vocab_layer_norm.call(x);
        // The untied projector is a Linear and follows the bf16 rules; the tied one reads the fp32 embedding matrix.
        var logits = vocab_projector is Linear untied ? MixedPrecision.Linear(untied, normed) : vocab_projector.call(normed);
        var loss = labeledTargets is not null ? nn.functional.cross_entropy(logits, labeledTargets)
            : inputs.Labels is { } labels ? Losses.TokenCrossEntropy(logits, labels, inputs.InputIds, "Masked-LM")
            : null;
        return new ModelOutput
        {
            Loss = loss?.MoveToOuterDisposeScope(),
            Logits = logits.MoveToOuterDisposeScope(),
            HiddenStates = encoded.HiddenStates?.Select(t => t.MoveToOuterDisposeScope()).ToArray(),
            Attentions = encoded.Attentions?.Select(t => t.MoveToOuterDisposeScope()).ToArray(),
        };
    }
}
