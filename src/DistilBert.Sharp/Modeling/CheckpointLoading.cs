using DistilBert.Sharp.Weights;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// Copies a safetensors checkpoint (single file or sharded) into a model's parameters with HF's key rules: the base-model prefix is added or
/// stripped when only one side has it (encoder checkpoint into a head, head checkpoint into the encoder), tied keys are
/// skipped, and legacy <c>position_ids</c> buffers are ignored.
/// </summary>
internal static class CheckpointLoading
{
    public static CheckpointLoadReport Load(PreTrainedModel model, string weightsPath, bool strict)
    {
        using var file = CheckpointReader.Open(weightsPath);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var tied = model.TiedWeightKeys;
        string prefix = model.BaseModelPrefix.Length == 0 ? "" : model.BaseModelPrefix + ".";

        // HF's rule: map checkpoint names onto model names only when exactly one side carries the prefix.
        bool checkpointHasPrefix = prefix.Length > 0 && file.Tensors.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));
        bool modelHasPrefix = prefix.Length > 0 && parameters.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));
        string ToModelKey(string key)
        {
            if (modelHasPrefix && !checkpointHasPrefix) return prefix + key;
            if (!modelHasPrefix && checkpointHasPrefix && key.StartsWith(prefix, StringComparison.Ordinal)) return key[prefix.Length..];
            return key;
        }

        var loaded = new HashSet<string>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        foreach (string key in file.Tensors.Keys.Order(StringComparer.Ordinal))
        {
            string modelKey = ToModelKey(key);
            if (tied.Contains(modelKey) || key.EndsWith("position_ids", StringComparison.Ordinal)) continue;
            if (!parameters.TryGetValue(modelKey, out var parameter))
            {
                unexpected.Add(key);
                continue;
            }
            file.ReadInto(key, parameter);
            loaded.Add(modelKey);
        }
        var missing = parameters.Keys.Where(k => !loaded.Contains(k)).Order(StringComparer.Ordinal).ToList();
        var report = new CheckpointLoadReport(file.Path, missing, unexpected);
        if (strict && !report.IsExact)
            throw new InvalidDataException(
                $"Checkpoint '{file.Path}' does not match {model.GetType().Name} exactly (strict load): " +
                $"missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}].");
        return report;
    }

    public static void Log(ILogger? logger, string modelName, CheckpointLoadReport report)
    {
        if (logger is null) return;
        if (report.UnexpectedKeys.Count > 0)
            logger.LogWarning("Some weights of the checkpoint at {Source} were not used when initializing {Model}: {Keys}",
                report.Source, modelName, string.Join(", ", report.UnexpectedKeys));
        if (report.MissingKeys.Count > 0)
            logger.LogWarning("Some weights of {Model} were not initialized from the checkpoint at {Source} and are newly initialized: {Keys}. " +
                              "Train this model on a down-stream task before using it for predictions.",
                modelName, report.Source, string.Join(", ", report.MissingKeys));
        if (report.IsExact)
            logger.LogInformation("All weights of {Model} were initialized from the checkpoint at {Source}.", modelName, report.Source);
    }
}
