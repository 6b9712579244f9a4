using DistilBert.Sharp.Runtime;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// What every BERT model shares (HF's <c>BertPreTrainedModel</c>): the validated configuration, the <c>bert</c>
/// base-model prefix, HF's weight initialisation and <c>FromPretrained</c>.
/// </summary>
public abstract class BertPreTrainedModel : PreTrainedModel
{
    private readonly BertConfig _config;

    /// <summary>Validates and copies <paramref name="config"/> (later edits to the caller's object do not reach the model).</summary>
    private protected BertPreTrainedModel(string name, BertConfig config) : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        TorchRuntime.EnsureLoaded();
        _config = config.Clone();
    }

    /// <inheritdoc />
    public override PretrainedConfig Config => _config;

    /// <summary>The same configuration as <see cref="Config"/>, typed (HF's <c>model.config</c>).</summary>
    /// <remarks>Not a covariant override of <see cref="Config"/>, for the same TorchSharp reason as <see cref="DistilBertPreTrainedModel.DistilBertConfig"/>.</remarks>
    public BertConfig BertConfig => _config;

    /// <inheritdoc />
    protected internal override string BaseModelPrefix => "bert";

    /// <summary>
    /// HF's <c>_init_weights</c>: the shared normal/zero/one initialisation, then the padding row of the word embeddings
    /// zero. Draws from the global generator, so <c>torch.manual_seed</c> makes it reproducible.
    /// </summary>
    private protected void InitializeWeights()
    {
        WeightInitializer.InitializeModules(this, _config.InitializerRange);
        foreach (var (_, module) in named_modules())
            if (module is BertEmbeddings embeddings) embeddings.ZeroPaddingRow();
    }

    /// <summary>Loads a checkpoint into the model <paramref name="create"/> builds (see <see cref="PretrainedLoading"/>).</summary>
    private protected static T LoadPretrained<T>(string pathOrHubId, PretrainedOptions? options, Func<BertConfig, T> create)
        where T : BertPreTrainedModel =>
        PretrainedLoading.Load(pathOrHubId, options, BertConfig.FromFile, create);
}
