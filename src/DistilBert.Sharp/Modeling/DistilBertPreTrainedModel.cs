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
    public override DistilBertConfig Config => _config;

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
            var report = CheckpointLoading.Load(model, location.WeightsPath, options.Strict);
            model.LastLoadReport = report;
            CheckpointLoading.Log(options.Logger, typeof(T).Name, report);
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
