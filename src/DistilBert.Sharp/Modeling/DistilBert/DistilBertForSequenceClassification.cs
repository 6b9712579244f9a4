using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// DistilBERT with a classification/regression head on the first token (HF's <c>DistilBertForSequenceClassification</c>):
/// hidden[:, 0] → pre_classifier → ReLU → dropout(seq_classif_dropout) → classifier. With labels it returns HF's loss:
/// MSE for regression, cross-entropy for single-label, BCE-with-logits for multi-label (see <see cref="PretrainedConfig.ProblemType"/>).
/// </summary>
public sealed class DistilBertForSequenceClassification : DistilBertPreTrainedModel
{
#pragma warning disable IDE1006 // HF key names
    private readonly DistilBertModel distilbert;
    private readonly Linear pre_classifier;
    private readonly Linear classifier;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    /// <summary>Builds the model with HF's random initialisation (seed it with <c>torch.manual_seed</c>).</summary>
    public DistilBertForSequenceClassification(DistilBertConfig config) : base(nameof(DistilBertForSequenceClassification), config)
    {
        distilbert = new DistilBertModel(DistilBertConfig, initialize: false);
        pre_classifier = nn.Linear(DistilBertConfig.Dim, DistilBertConfig.Dim);
        classifier = nn.Linear(DistilBertConfig.Dim, DistilBertConfig.NumLabels);
        dropout = nn.Dropout(DistilBertConfig.SeqClassifDropout);
        RegisterComponents();
        DistilBertInitializer.Initialize(this);
    }

    /// <summary>Loads a checkpoint folder (or file); a bare encoder checkpoint leaves the head newly initialised (see <see cref="PreTrainedModel.LastLoadReport"/>).</summary>
    public static DistilBertForSequenceClassification FromPretrained(string pathOrHubId, PretrainedOptions? options = null) =>
        LoadPretrained(pathOrHubId, options, c => new DistilBertForSequenceClassification(c));

    /// <summary>The encoder under the head (HF's <c>model.distilbert</c>).</summary>
    public DistilBertModel DistilBert => distilbert;

    /// <summary>Returns logits [batch, num_labels] and, when labels are given, the loss.</summary>
    public override ModelOutput forward(ModelInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var scope = NewDisposeScope();
        var encoded = distilbert.call(inputs with { Labels = null });
        var pooled = encoded.LastHiddenState![TensorIndex.Colon, 0];
        pooled = dropout.call(nn.functional.relu(MixedPrecision.Linear(pre_classifier, pooled)));
        var logits = MixedPrecision.Linear(classifier, pooled);
        var loss = inputs.Labels is { } labels ? Losses.SequenceClassification(DistilBertConfig, logits, labels) : null;
        return new ModelOutput
        {
            Loss = loss?.MoveToOuterDisposeScope(),
            Logits = logits.MoveToOuterDisposeScope(),
            HiddenStates = encoded.HiddenStates?.Select(t => t.MoveToOuterDisposeScope()).ToArray(),
            Attentions = encoded.Attentions?.Select(t => t.MoveToOuterDisposeScope()).ToArray(),
        };
    }
}
