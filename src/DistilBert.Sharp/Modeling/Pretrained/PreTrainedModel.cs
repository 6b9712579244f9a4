using DistilBert.Sharp.Weights;
using TorchSharp;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// Base of every model in the library (HF's <c>PreTrainedModel</c>): a TorchSharp module that maps a batch of
/// <see cref="ModelInputs"/> to a <see cref="ModelOutput"/>, knows its configuration, and saves itself in HF format.
/// </summary>
public abstract class PreTrainedModel : torch.nn.Module<ModelInputs, ModelOutput>
{
    /// <summary>Creates the module with the given TorchSharp module name.</summary>
    protected PreTrainedModel(string name) : base(name) { }

    /// <summary>The configuration the model was built from (saved as <c>config.json</c>).</summary>
    public abstract PretrainedConfig Config { get; }

    /// <summary>What <c>FromPretrained</c> found when it loaded this model's weights (null for a freshly built model).</summary>
    public LoadReport? LastLoadReport { get; internal set; }

    /// <summary>
    /// HF's <c>base_model_prefix</c>: the attribute under which heads hold the encoder (<c>distilbert</c>), or empty for
    /// the bare encoder. Loading adds or strips this prefix so encoder and head checkpoints load into either.
    /// </summary>
    protected internal virtual string BaseModelPrefix => "";

    /// <summary>Checkpoint keys that are the same tensor as another parameter (HF's <c>_tied_weights_keys</c>): neither loaded nor saved.</summary>
    protected internal virtual IReadOnlyCollection<string> TiedWeightKeys => [];

    /// <summary>
    /// Writes <c>config.json</c> and <c>model.safetensors</c> with HF key names into <paramref name="directory"/>,
    /// so that Python <c>transformers</c> and <c>FromPretrained</c> load them unchanged.
    /// </summary>
    public virtual void SavePretrained(string directory) => PretrainedSaving.Save(this, directory);
}
