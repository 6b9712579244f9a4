namespace DistilBert.Sharp.Modeling;

/// <summary>HF's <c>AutoModelForSequenceClassification</c>: picks the sequence-classification class from <c>config.json</c>'s <c>model_type</c>.</summary>
public static class AutoModelForSequenceClassification
{
    /// <summary>
    /// Loads <paramref name="pathOrHubId"/> as <see cref="DistilBertForSequenceClassification"/> or
    /// <see cref="BertForSequenceClassification"/>, following its <c>model_type</c>; everything else (a fresh head on an
    /// encoder checkpoint, <see cref="PretrainedOptions.NumLabels"/>, the load report) behaves as that class's <c>FromPretrained</c>.
    /// </summary>
    /// <exception cref="NotSupportedException"><c>model_type</c> is missing or not one of <see cref="AutoConfig.SupportedModelTypes"/>.</exception>
    public static PreTrainedModel FromPretrained(string pathOrHubId, PretrainedOptions? options = null) =>
        AutoModel.Load(pathOrHubId, options, DistilBertForSequenceClassification.FromPretrained, BertForSequenceClassification.FromPretrained);
}
