using System.Text.RegularExpressions;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Weights;
using TorchSharp;

namespace DistilBert.Sharp.Modeling;

/// <summary>The one <c>FromPretrained</c> implementation every model family shares.</summary>
internal static class PretrainedLoading
{
    /// <summary>
    /// Reads <c>config.json</c> and the weights of a local folder (or a <c>.safetensors</c> file with <c>config.json</c>
    /// beside it), builds the model with <paramref name="create"/>, copies every matching weight in, and records what was
    /// missing or unused in <see cref="PreTrainedModel.LastLoadReport"/>. The model is returned in eval mode, as HF does.
    /// </summary>
    public static TModel Load<TConfig, TModel>(string pathOrHubId, PretrainedOptions? options,
        Func<string, TConfig> readConfig, Func<TConfig, TModel> create)
        where TConfig : PretrainedConfig
        where TModel : PreTrainedModel
    {
        ArgumentException.ThrowIfNullOrEmpty(pathOrHubId);
        options ??= new PretrainedOptions();
        TorchRuntime.EnsureLoaded();
        var location = PretrainedLocation.Resolve(pathOrHubId, options);
        var config = readConfig(location.ConfigPath);
        options.ApplyLabels(config);
        var model = create(config);
        try
        {
            model.LastLoadReport = StateDictLoader.Load(model, location.WeightsPath, new StateDictLoadOptions
            {
                BasePrefix = model.BaseModelPrefix,
                Strict = options.Strict,
                Logger = options.Logger,
                CheckpointName = pathOrHubId,
                // Old checkpoints store position_ids buffers, and HF files may also store a tied matrix that the model
                // reads from its embeddings instead: neither is a real mismatch.
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
