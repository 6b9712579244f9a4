using TorchSharp;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// What every DistilBERT model shares (HF's <c>DistilBertPreTrainedModel</c>): the validated configuration, the
/// <c>distilbert</c> base-model prefix, HF's weight initialisation and <c>FromPretrained</c>.
/// </summary>
public abstract class DistilBertPreTrainedModel : PreTrainedModel<DistilBertConfig>
{
    /// <summary>Validates and copies <paramref name="config"/> (later edits to the caller's object do not reach the model).</summary>
    private protected DistilBertPreTrainedModel(string name, DistilBertConfig config) : base(name, config) { }

    /// <summary>The same configuration as <see cref="PreTrainedModel{TConfig}.Config"/>, typed (HF's <c>model.config</c>).</summary>
    public DistilBertConfig DistilBertConfig => TypedConfig;

    /// <inheritdoc />
    protected internal override string BaseModelPrefix => "distilbert";

    /// <summary>Loads a checkpoint into the model <paramref name="create"/> builds (see <see cref="PretrainedLoading"/>).</summary>
    private protected static T LoadPretrained<T>(string pathOrHubId, PretrainedOptions? options, Func<DistilBertConfig, T> create)
        where T : DistilBertPreTrainedModel =>
        PretrainedLoading.Load(pathOrHubId, options, DistilBertConfig.FromFile, create);
}
