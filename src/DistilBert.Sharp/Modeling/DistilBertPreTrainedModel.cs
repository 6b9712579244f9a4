using DistilBert.Sharp.Runtime;
using TorchSharp;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// What every DistilBERT model shares (HF's <c>DistilBertPreTrainedModel</c>): the validated configuration, the
/// <c>distilbert</c> base-model prefix, HF's weight initialisation and <c>FromPretrained</c>.
/// </summary>
public abstract class DistilBertPreTrainedModel : PreTrainedModel
{
    private readonly DistilBertConfig _config;

    /// <summary>Validates and copies <paramref name="config"/> (later edits to the caller's object do not reach the model).</summary>
    private protected DistilBertPreTrainedModel(string name, DistilBertConfig config) : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        TorchRuntime.EnsureLoaded();
        _config = config.Clone();
    }

    /// <inheritdoc />
    public override PretrainedConfig Config => _config;

    /// <summary>The same configuration as <see cref="Config"/>, typed (HF's <c>model.config</c>).</summary>
    /// <remarks>
    /// Not a covariant override of <see cref="Config"/>: TorchSharp's <c>Module.to(...)</c> indexes members by name and
    /// fails on the two same-named properties a covariant override produces.
    /// </remarks>
    public DistilBertConfig DistilBertConfig => _config;

    /// <inheritdoc />
    protected internal override string BaseModelPrefix => "distilbert";

    /// <summary>Loads a checkpoint into the model <paramref name="create"/> builds (see <see cref="PretrainedLoading"/>).</summary>
    private protected static T LoadPretrained<T>(string pathOrHubId, PretrainedOptions? options, Func<DistilBertConfig, T> create)
        where T : DistilBertPreTrainedModel =>
        PretrainedLoading.Load(pathOrHubId, options, DistilBertConfig.FromFile, create);
}
