namespace DistilBert.Sharp.Modeling;

/// <summary>Where a pretrained model's <c>config.json</c> and weights live.</summary>
internal sealed record PretrainedLocation(string ConfigPath, string WeightsPath)
// WeightsPath is a .safetensors file, a shard index, or a folder; CheckpointReader.Open accepts all three.
{
    /// <summary>
    /// The ONE place that turns <c>pathOrHubId</c> into files: a local folder (HF layout) or a <c>.safetensors</c> file with
    /// <c>config.json</c> beside it. Hub ids are not resolved here yet; the Hub resolver plugs in at this method.
    /// </summary>
    public static PretrainedLocation Resolve(string pathOrHubId, PretrainedOptions options)
    {
        _ = options; // Revision, CacheDir and Offline apply once Hub resolution is wired in here.
        if (File.Exists(pathOrHubId))
        {
            string file = Path.GetFullPath(pathOrHubId);
            return new PretrainedLocation(Path.Combine(Path.GetDirectoryName(file)!, "config.json"), file);
        }
        if (Directory.Exists(pathOrHubId))
        {
            string dir = Path.GetFullPath(pathOrHubId);
            string config = Path.Combine(dir, "config.json");
            if (!File.Exists(config))
                throw new FileNotFoundException($"'{dir}' has no config.json, so it is not a pretrained model folder.", config);
            bool hasWeights = File.Exists(Path.Combine(dir, Weights.CheckpointReader.WeightsFileName)) ||
                              File.Exists(Path.Combine(dir, Weights.CheckpointReader.IndexFileName));
            if (!hasWeights)
                throw new FileNotFoundException(
                    $"'{dir}' has no {Weights.CheckpointReader.WeightsFileName} or {Weights.CheckpointReader.IndexFileName} (only safetensors checkpoints are supported).",
                    Path.Combine(dir, Weights.CheckpointReader.WeightsFileName));
            return new PretrainedLocation(config, dir);
        }
        throw new DirectoryNotFoundException(
            $"'{pathOrHubId}' is neither a local model folder nor a checkpoint file (downloading from the Hub is not available in this build).");
    }
}
