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

    /// <summary>
    /// Writes <c>config.json</c> and <c>model.safetensors</c> with HF key names into <paramref name="directory"/>,
    /// so that Python <c>transformers</c> and <c>FromPretrained</c> load them unchanged.
    /// </summary>
    public abstract void SavePretrained(string directory);
}
