using System.Text.RegularExpressions;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Weights;
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

    /// <summary>
    /// Reads <c>config.json</c> and the weights of a local folder (or a <c>.safetensors</c> file with <c>config.json</c>
    /// beside it), builds the model with <paramref name="create"/>, copies every matching weight in, and records what was
    /// missing or unused in <see cref="PreTrainedModel.LastLoadReport"/>. The model is returned in eval mode, as HF does.
    /// </summary>
    private protected static T LoadPretrained<T>(string pathOrHubId, PretrainedOptions? options, Func<DistilBertConfig, T> create)
        where T : DistilBertPreTrainedModel
    {
        ArgumentException.ThrowIfNullOrEmpty(pathOrHubId);
        options ??= new PretrainedOptions();
        TorchRuntime.EnsureLoaded();
        var location = PretrainedLocation.Resolve(pathOrHubId, options);
        var config = DistilBertConfig.FromFile(location.ConfigPath);
        if (options.NumLabels is { } numLabels) config.NumLabels = numLabels;
        var model = create(config);
        try
        {
            model.LastLoadReport = StateDictLoader.Load(model, location.WeightsPath, new StateDictLoadOptions
            {
                BasePrefix = model.BaseModelPrefix,
                Strict = options.Strict,
                Logger = options.Logger,
                CheckpointName = pathOrHubId,
                // HF files may also store the tied projector matrix; the model reads it from the embeddings instead.
                IgnoredUnexpectedKeys = [.. StateDictLoadOptions.LegacyBufferPatterns, .. model.TiedWeightKeys.Select(k => "^" + Regex.Escape(k) + "$")],
            });
            if (options.DType is { } dtype) model.to(dtype);
            if (options.Device is { } device) model.to(device);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
