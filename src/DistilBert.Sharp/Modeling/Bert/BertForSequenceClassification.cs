using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// BERT with a classification/regression head on the pooled output (HF's <c>BertForSequenceClassification</c>):
/// pooler_output → dropout(classifier_dropout ?? hidden_dropout_prob) → classifier. With labels it returns HF's loss
/// for the <see cref="PretrainedConfig.ProblemType"/>, exactly as <see cref="DistilBertForSequenceClassification"/> does.
/// </summary>
public sealed class BertForSequenceClassification : BertPreTrainedModel
{
#pragma warning disable IDE1006 // HF key names
    private readonly BertModel bert;
    private readonly Dropout dropout;
    private readonly Linear classifier;
#pragma warning restore IDE1006

    /// <summary>Builds the model with HF's random initialisation (seed it with <c>torch.manual_seed</c>).</summary>
    public BertForSequenceClassification(BertConfig config) : base(nameof(BertForSequenceClassification), config)
    {
        bert = new BertModel(BertConfig, initialize: false);
        dropout = nn.Dropout(BertConfig.ClassifierDropout ?? BertConfig.HiddenDropoutProb);
        classifier = nn.Linear(BertConfig.HiddenSize, BertConfig.NumLabels);
        RegisterComponents();
        InitializeWeights();
    }

    /// <summary>Loads a checkpoint folder (or file); a bare encoder checkpoint leaves the head newly initialised (see <see cref="PreTrainedModel.LastLoadReport"/>).</summary>
    public static BertForSequenceClassification FromPretrained(string pathOrHubId, PretrainedOptions? options = null) =>
        LoadPretrained(pathOrHubId, options, c => new BertForSequenceClassification(c));

    /// <summary>The encoder under the head (HF's <c>model.bert</c>).</summary>
    public BertModel Bert => bert;

    /// <summary>Returns logits [batch, num_labels] and, when labels are given, the loss.</summary>
    public override ModelOutput forward(ModelInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var scope = NewDisposeScope();
        var encoded = bert.call(inputs with { Labels = null });
        var logits = MixedPrecision.Linear(classifier, dropout.call(encoded.PoolerOutput!));
        var loss = inputs.Labels is { } labels ? Losses.SequenceClassification(BertConfig, logits, labels) : null;
        return EncoderResults.LiftHead(loss, logits, encoded);
    }
}
