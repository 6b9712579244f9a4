using TorchSharp;
using TorchSharp.Modules;

namespace DistilBert.Sharp.Training.Optimization;

/// <summary>
/// Builds HF's two AdamW parameter groups: weight decay for every trainable parameter except biases and LayerNorm
/// weights (HF's <c>get_decay_parameter_names</c>: <c>ALL_LAYERNORM_LAYERS</c> plus names containing "bias").
/// </summary>
public static class ParameterGroups
{
    /// <summary>Names of the trainable parameters that get weight decay.</summary>
    /// <remarks>
    /// LayerNorm parameters are found by module type (as HF does), with a name fallback for modules that implement
    /// their own normalisation under HF's names (<c>LayerNorm</c>, <c>*layer_norm</c>).
    /// </remarks>
    public static HashSet<string> DecayParameterNames(torch.nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var layerNormParams = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (moduleName, module) in model.named_modules())
        {
            bool isNorm = module is LayerNorm
                || moduleName.EndsWith("LayerNorm", StringComparison.Ordinal)
                || moduleName.EndsWith("layer_norm", StringComparison.Ordinal);
            if (!isNorm) continue;
            foreach (var (p, _) in module.named_parameters(recurse: false))
                layerNormParams.Add(string.IsNullOrEmpty(moduleName) ? p : moduleName + "." + p);
        }
        var decay = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (!parameter.requires_grad) continue;
            if (layerNormParams.Contains(name) || name.Contains("bias", StringComparison.Ordinal)) continue;
            decay.Add(name);
        }
        return decay;
    }

    /// <summary>HF's default groups: [decayed weights with <paramref name="weightDecay"/>, the rest with 0].</summary>
    public static IReadOnlyList<ParameterGroup> Create(torch.nn.Module model, double weightDecay, double learningRate)
    {
        var decayNames = DecayParameterNames(model);
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToList();
        var decay = trainable.Where(p => decayNames.Contains(p.name)).ToList();
        var noDecay = trainable.Where(p => !decayNames.Contains(p.name)).ToList();
        var groups = new List<ParameterGroup>();
        if (decay.Count > 0) groups.Add(new ParameterGroup(decay, weightDecay, learningRate));
        if (noDecay.Count > 0) groups.Add(new ParameterGroup(noDecay, 0.0, learningRate));
        return groups;
    }

    /// <summary>
    /// The groups for <paramref name="args"/>: layer-wise decayed groups (<see cref="LayerwiseLearningRates"/>) when
    /// <see cref="TrainingArguments.LayerwiseLrDecay"/> is set and not 1, else HF's two weight-decay groups.
    /// </summary>
    public static IReadOnlyList<ParameterGroup> Create(torch.nn.Module model, TrainingArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.LayerwiseLrDecay is double decay && decay != 1.0
            ? LayerwiseLearningRates.CreateGroups(model, args.WeightDecay, args.LearningRate, decay)
            : Create(model, args.WeightDecay, args.LearningRate);
    }
}
