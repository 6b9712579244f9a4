namespace DistilBert.Sharp.Modeling;

/// <summary>HF's <c>AutoModel</c>: loads the bare encoder of whatever family <c>config.json</c>'s <c>model_type</c> names.</summary>
public static class AutoModel
{
    /// <summary>
    /// Loads <paramref name="pathOrHubId"/> as <see cref="DistilBertModel"/> or <see cref="BertModel"/>, following its
    /// <c>model_type</c>; everything else behaves as that class's <c>FromPretrained</c>.
    /// </summary>
    /// <exception cref="NotSupportedException"><c>model_type</c> is missing or not one of <see cref="AutoConfig.SupportedModelTypes"/>.</exception>
    public static PreTrainedModel FromPretrained(string pathOrHubId, PretrainedOptions? options = null) =>
        Load(pathOrHubId, options, DistilBertModel.FromPretrained, BertModel.FromPretrained);

    /// <summary>Calls the loader of the family <paramref name="pathOrHubId"/>'s <c>model_type</c> names.</summary>
    internal static PreTrainedModel Load(string pathOrHubId, PretrainedOptions? options,
        Func<string, PretrainedOptions?, PreTrainedModel> distilBert, Func<string, PretrainedOptions?, PreTrainedModel> bert) =>
        (AutoConfig.ResolveModelType(pathOrHubId, options) == "distilbert" ? distilBert : bert)(pathOrHubId, options);
}
