using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// DistilBERT with a per-token classifier (HF's <c>DistilBertForTokenClassification</c>): dropout(dropout) → classifier on
/// every position. With labels [batch, seq] the loss is cross-entropy, ignoring label -100.
/// </summary>
public sealed class DistilBertForTokenClassification : DistilBertPreTrainedModel
{
#pragma warning disable IDE1006 // HF key names
    private readonly DistilBertModel distilbert;
    private readonly Dropout dropout;
    private readonly Linear classifier;
#pragma warning restore IDE1006

    /// <summary>Builds the model with HF's random initialisation (seed it with <c>torch.manual_seed</c>).</summary>
    public DistilBertForTokenClassification(DistilBertConfig config) : base(nameof(DistilBertForTokenClassification), config)
    {
        distilbert = new DistilBertModel(DistilBertConfig, initialize: false);
        dropout = nn.Dropout(DistilBertConfig.Dropout);
        classifier = nn.Linear(DistilBertConfig.Dim, DistilBertConfig.NumLabels);
        RegisterComponents();
        DistilBertInitializer.Initialize(this);
    }

    /// <summary>Loads a checkpoint folder (or file).</summary>
    public static DistilBertForTokenClassification FromPretrained(string pathOrHubId, PretrainedOptions? options = null) =>
        LoadPretrained(pathOrHubId, options, c => new DistilBertForTokenClassification(c));

    /// <summary>The encoder under the head (HF's <c>model.distilbert</c>).</summary>
    public DistilBertModel DistilBert => distilbert;

    /// <summary>Returns logits [batch, seq, num_labels] and, when labels are given, the loss.</summary>
    public override ModelOutput forward(ModelInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var scope = NewDisposeScope();
        var encoded = distilbert.call(inputs with { Labels = null });
        var logits = MixedPrecision.Linear(classifier, dropout.call(encoded.LastHiddenState!));
        var loss = inputs.Labels is { } labels ? Losses.TokenCrossEntropy(logits, labels, inputs.InputIds, "Token-classification") : null;
        return new ModelOutput
        {
            Loss = loss?.MoveToOuterDisposeScope(),
            Logits = logits.MoveToOuterDisposeScope(),
            HiddenStates = encoded.HiddenStates?.Select(t => t.MoveToOuterDisposeScope()).ToArray(),
            Attentions = encoded.Attentions?.Select(t => t.MoveToOuterDisposeScope()).ToArray(),
        };
    }
}
