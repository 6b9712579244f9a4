namespace DistilBert.Sharp.Modeling;

/// <summary>Writes a model in HF's folder layout (config.json + model.safetensors).</summary>
internal static class PretrainedSaving
{
    public static void Save(PreTrainedModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        throw new NotSupportedException("SavePretrained waits for the safetensors writer.");
    }
}
