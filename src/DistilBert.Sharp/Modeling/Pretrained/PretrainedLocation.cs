using System.Text.Json;
using DistilBert.Sharp.Hub;
using DistilBert.Sharp.IO;
using DistilBert.Sharp.Weights;

namespace DistilBert.Sharp.Modeling;

/// <summary>Where a pretrained model's <c>config.json</c> and weights live.</summary>
internal sealed record PretrainedLocation(string ConfigPath, string WeightsPath)
// WeightsPath is a .safetensors file, a shard index, or a folder; CheckpointReader.Open accepts all three.
{
    /// <summary>
    /// The ONE place that turns <c>pathOrHubId</c> into files: a local <c>.safetensors</c> file with <c>config.json</c>
    /// beside it, a local folder (HF layout), or a Hub repository id, downloaded into (or reused from) the HF cache.
    /// </summary>
    public static PretrainedLocation Resolve(string pathOrHubId, PretrainedOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrHubId);
        // A save killed between the two renames of a portable folder swap left the old folder under a hidden name.
        if (!Directory.Exists(pathOrHubId) && !File.Exists(pathOrHubId) && PretrainedPath.LooksLikeLocalPath(pathOrHubId))
            AtomicDirectory.Recover(Path.GetFullPath(pathOrHubId), removeLeftovers: false);
        if (File.Exists(pathOrHubId))
        {
            string file = Path.GetFullPath(pathOrHubId);
            return new PretrainedLocation(Path.Combine(Path.GetDirectoryName(file)!, "config.json"), file);
        }
        if (!Directory.Exists(pathOrHubId) && PretrainedPath.LooksLikeLocalPath(pathOrHubId))
            throw new DirectoryNotFoundException($"The model folder '{pathOrHubId}' does not exist.");
        string dir = Directory.Exists(pathOrHubId) ? Path.GetFullPath(pathOrHubId) : DownloadFromHub(pathOrHubId, options);
        string config = Path.Combine(dir, "config.json");
        if (!File.Exists(config))
            throw new FileNotFoundException($"'{dir}' has no config.json, so it is not a pretrained model folder.", config);
        bool hasWeights = File.Exists(Path.Combine(dir, CheckpointReader.WeightsFileName)) ||
                          File.Exists(Path.Combine(dir, CheckpointReader.IndexFileName));
        if (!hasWeights)
            throw new FileNotFoundException(
                $"'{pathOrHubId}' has no {CheckpointReader.WeightsFileName} or {CheckpointReader.IndexFileName} (only safetensors checkpoints are supported).",
                Path.Combine(dir, CheckpointReader.WeightsFileName));
        return new PretrainedLocation(config, dir);
    }

    /// <summary>Fetches config.json and the safetensors weights (single file, or the index and then its shards).</summary>
    private static string DownloadFromHub(string repoId, PretrainedOptions options)
    {
        var hub = options.HubOptions();
        string dir = PretrainedPath.Resolve(repoId, ["config.json"], [CheckpointReader.WeightsFileName, CheckpointReader.IndexFileName], hub);
        string index = Path.Combine(dir, CheckpointReader.IndexFileName);
        if (!File.Exists(Path.Combine(dir, CheckpointReader.WeightsFileName)) && File.Exists(index))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(index));
            var shards = json.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => p.Value.GetString()!).Distinct().ToArray();
            PretrainedPath.Resolve(repoId, shards, null, hub);
        }
        return dir;
    }
}
