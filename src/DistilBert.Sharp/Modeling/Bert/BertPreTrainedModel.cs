namespace DistilBert.Sharp.Modeling;

/// <summary>
/// What every BERT model shares (HF's <c>BertPreTrainedModel</c>): the validated configuration, the <c>bert</c>
/// base-model prefix, HF's weight initialisation and <c>FromPretrained</c>.
/// </summary>
public abstract class BertPreTrainedModel : PreTrainedModel<BertConfig>
{
    /// <summary>Validates and copies <paramref name="config"/> (later edits to the caller's object do not reach the model).</summary>
    private protected BertPreTrainedModel(string name, BertConfig config) : base(name, config) { }

    /// <summary>The same configuration as <see cref="PreTrainedModel{TConfig}.Config"/>, typed (HF's <c>model.config</c>).</summary>
    public BertConfig BertConfig => TypedConfig;

    /// <inheritdoc />
    protected internal override string BaseModelPrefix => "bert";

    /// <summary>
    /// HF's <c>_init_weights</c>: the shared normal/zero/one initialisation, then the padding row of the word embeddings
    /// zero. Draws from the global generator, so <c>torch.manual_seed</c> makes it reproducible.
    /// </summary>
    private protected void InitializeWeights()
    {
        WeightInitializer.InitializeModules(this, BertConfig.InitializerRange);
        foreach (var (_, module) in named_modules())
            if (module is BertEmbeddings embeddings) embeddings.ZeroPaddingRow();
    }

    /// <summary>Loads a checkpoint into the model <paramref name="create"/> builds (see <see cref="PretrainedLoading"/>).</summary>
    private protected static T LoadPretrained<T>(string pathOrHubId, PretrainedOptions? options, Func<BertConfig, T> create)
        where T : BertPreTrainedModel =>
        PretrainedLoading.Load(pathOrHubId, options, BertConfig.FromFile, create);
}
