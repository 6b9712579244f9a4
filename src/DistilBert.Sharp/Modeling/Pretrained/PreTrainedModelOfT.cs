using DistilBert.Sharp.Runtime;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// A <see cref="PreTrainedModel"/> of one family: validates its <typeparamref name="TConfig"/> and keeps a private copy,
/// so later edits to the caller's object do not reach the model.
/// </summary>
/// <typeparam name="TConfig">The family's configuration class.</typeparam>
public abstract class PreTrainedModel<TConfig> : PreTrainedModel where TConfig : PretrainedConfig
{
    private readonly TConfig _config;

    /// <summary>Validates and copies <paramref name="config"/>, and makes sure the native runtime is loaded.</summary>
    private protected PreTrainedModel(string name, TConfig config) : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        TorchRuntime.EnsureLoaded();
        _config = (TConfig)config.CloneConfig();
    }

    /// <inheritdoc />
    /// <remarks>
    /// The families expose it typed under their own name (e.g. <c>DistilBertConfig</c>) rather than as a covariant
    /// override: TorchSharp's <c>Module.to(...)</c> indexes members by name and fails on two same-named properties.
    /// </remarks>
    public override PretrainedConfig Config => _config;

    /// <summary>The configuration, typed.</summary>
    private protected TConfig TypedConfig => _config;
}
