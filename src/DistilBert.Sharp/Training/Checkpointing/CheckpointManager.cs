using System.Globalization;
using System.Text.RegularExpressions;
using DistilBert.Sharp.IO;
using DistilBert.Sharp.Weights;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Training.Optimization;
using TorchSharp;

namespace DistilBert.Sharp.Training.Checkpointing;

/// <summary>
/// Writes, finds, rotates and restores <c>output_dir/checkpoint-&lt;step&gt;/</c> folders.
/// </summary>
/// <remarks>
/// A checkpoint holds <c>model.safetensors</c> + <c>config.json</c> (via <see cref="PreTrainedModel.SavePretrained"/>,
/// loadable with <c>FromPretrained</c>), <c>trainer_state.json</c>, <c>training_args.json</c>,
/// <c>optimizer.safetensors</c> (AdamW moments and step counts; the schedule position in its metadata) and
/// <c>rng_state.safetensors</c> (torch's CPU generator state). Everything is written into a hidden staging folder
/// that is renamed into place last (<see cref="AtomicDirectory"/>), and rotation renames a checkpoint out of the
/// <c>checkpoint-*</c> namespace before deleting it, so a process killed at any moment never leaves a half-written or
/// half-deleted folder under a checkpoint name. Leftovers of killed saves and deletions are removed when training starts.
/// </remarks>
public static class CheckpointManager
{
    /// <summary>Prefix of checkpoint folder names.</summary>
    public const string Prefix = "checkpoint-";

    internal const string OptimizerFile = "optimizer.safetensors";
    internal const string RngFile = "rng_state.safetensors";
    internal const string StateFile = "trainer_state.json";
    internal const string ArgsFile = "training_args.json";
    internal const string ModelFile = "model.safetensors";
    private const string TempPrefix = ".tmp-";

    /// <summary>
    /// The complete checkpoints in <paramref name="outputDir"/>, oldest (lowest step) first. A checkpoint is complete
    /// when it is a folder named <c>checkpoint-&lt;step&gt;</c> directly in <paramref name="outputDir"/> that holds
    /// <c>config.json</c>, <c>model.safetensors</c> (or <c>model.safetensors.index.json</c>), <c>optimizer.safetensors</c>,
    /// <c>rng_state.safetensors</c>, <c>trainer_state.json</c> and <c>training_args.json</c>; other folders (for example
    /// one a tool or an older version left half-deleted) are ignored.
    /// </summary>
    public static IReadOnlyList<string> SortedCheckpoints(string outputDir)
    {
        if (!Directory.Exists(outputDir)) return [];
        return Directory.GetDirectories(outputDir, Prefix + "*")
            .Select(d => (Dir: d, Step: ParseStep(d)))
            .Where(x => x.Step >= 0 && IsComplete(x.Dir))
            .OrderBy(x => x.Step)
            .Select(x => x.Dir)
            .ToList();
    }

    /// <summary>
    /// The complete checkpoint (see <see cref="SortedCheckpoints"/>) with the highest step, or null
    /// (HF's <c>get_last_checkpoint</c>, which never returns an incomplete checkpoint here).
    /// </summary>
    public static string? GetLastCheckpoint(string outputDir) => SortedCheckpoints(outputDir).LastOrDefault();

    /// <summary>Whether <paramref name="checkpoint"/> holds every file a resume reads (see <see cref="SortedCheckpoints"/>).</summary>
    internal static bool IsComplete(string checkpoint) =>
        RequiredFiles.All(f => File.Exists(Path.Combine(checkpoint, f))) &&
        (File.Exists(Path.Combine(checkpoint, ModelFile)) || File.Exists(Path.Combine(checkpoint, CheckpointReader.IndexFileName)));

    private static readonly string[] RequiredFiles = ["config.json", OptimizerFile, RngFile, StateFile, ArgsFile];

    internal static int ParseStep(string dir)
    {
        string name = Path.GetFileName(dir.TrimEnd(Path.DirectorySeparatorChar));
        return name.StartsWith(Prefix, StringComparison.Ordinal)
               && int.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int step) ? step : -1;
    }

    /// <summary>Removes what interrupted saves and rotations left behind (staging and half-deleted folders).</summary>
    internal static void RemoveStaleTemporaries(string outputDir)
    {
        if (!Directory.Exists(outputDir)) return;
        AtomicDirectory.RecoverAll(outputDir);
        // The staging folders of earlier versions of this class.
        foreach (var dir in Directory.GetDirectories(outputDir, TempPrefix + "*")) Directory.Delete(dir, recursive: true);
    }

    internal static string Save(string outputDir, PreTrainedModel model, AdamW optimizer, TrainerState state,
        TrainingArguments args, Action<string>? beforeRename = null)
    {
        Directory.CreateDirectory(outputDir);
        string final = Path.Combine(outputDir, Prefix + state.GlobalStep.ToString(CultureInfo.InvariantCulture));
        // Re-saving the same step (e.g. a save at max_steps right after a steps save) swaps the whole folder.
        AtomicDirectory.Replace(final, staging =>
        {
            model.SavePretrained(staging);
            using (var scope = torch.NewDisposeScope())
            {
                var meta = new Dictionary<string, string>
                {
                    ["format"] = "distilbert-sharp-adamw-v1",
                    ["scheduler.last_epoch"] = state.GlobalStep.ToString(CultureInfo.InvariantCulture),
                };
                StateTensorFile.Save(Path.Combine(staging, OptimizerFile), optimizer.StateTensors().ToList(), meta);
                StateTensorFile.Save(Path.Combine(staging, RngFile),
                    [new("torch_cpu_rng_state", torch.random.get_rng_state())],
                    new Dictionary<string, string> { ["format"] = "distilbert-sharp-rng-v1" });
            }
            File.WriteAllText(Path.Combine(staging, StateFile), state.ToJson());
            File.WriteAllText(Path.Combine(staging, ArgsFile), args.ToJson());
            beforeRename?.Invoke(staging);
        }, carry: _ => false);
        return final;
    }

    /// <summary>
    /// Deletes the oldest checkpoints beyond <paramref name="limit"/>, never the best one (HF's <c>_rotate_checkpoints</c>).
    /// </summary>
    internal static IReadOnlyList<string> Rotate(string outputDir, int? limit, string? bestCheckpoint, bool loadBestModelAtEnd)
    {
        if (limit is not int keep) return [];
        var sorted = SortedCheckpoints(outputDir).ToList();
        if (bestCheckpoint is not null)
        {
            // Move the best one next to the newest so that deleting from the front spares it (HF's ordering).
            int i = sorted.FindIndex(d => Path.GetFullPath(d) == Path.GetFullPath(bestCheckpoint));
            if (i >= 0 && i < sorted.Count - 1)
            {
                string best = sorted[i];
                sorted.RemoveAt(i);
                sorted.Insert(sorted.Count - 1, best);
            }
            // With a limit of 1 the best and the newest (needed to resume) would compete: keep both, as HF does.
            if (keep == 1 && loadBestModelAtEnd && sorted.Count > 0 && Path.GetFullPath(sorted[^1]) != Path.GetFullPath(bestCheckpoint)) keep = 2;
        }
        var deleted = sorted.Take(Math.Max(0, sorted.Count - keep)).ToList();
        // Out of the checkpoint-* namespace first (one rename), then deleted: a kill mid-delete leaves a hidden leftover.
        foreach (var dir in deleted) AtomicDirectory.Delete(dir);
        return deleted;
    }

    /// <summary>
    /// Copies <c>model.safetensors</c> of <paramref name="checkpoint"/> into the model's parameters, with the modeling
    /// layer's HF key rules (prefixes, tied weights). The checkpoint was written by this model type, so anything
    /// missing or unexpected is an error.
    /// </summary>
    /// <exception cref="StateDictMismatchException">The weights do not match the model; the message names the keys.</exception>
    internal static void LoadModelWeights(PreTrainedModel model, string checkpoint)
    {
        string path = Path.Combine(checkpoint, ModelFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint {checkpoint} has no {ModelFile}.", path);
        StateDictLoader.Load(model, path, new StateDictLoadOptions
        {
            BasePrefix = model.BaseModelPrefix,
            Strict = true,
            CheckpointName = checkpoint,
            IgnoredUnexpectedKeys = [.. StateDictLoadOptions.LegacyBufferPatterns, .. model.TiedWeightKeys.Select(k => "^" + Regex.Escape(k) + "$")],
        });
    }

    internal static void LoadOptimizer(AdamW optimizer, string checkpoint)
    {
        string path = Path.Combine(checkpoint, OptimizerFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint {checkpoint} has no {OptimizerFile}.", path);
        var (tensors, _) = StateTensorFile.Load(path);
        try
        {
            optimizer.LoadState(tensors, path);
        }
        finally
        {
            // LoadState copies (.to) what it keeps; the read tensors are ours to free.
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    internal static void LoadRngState(string checkpoint)
    {
        string path = Path.Combine(checkpoint, RngFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint {checkpoint} has no {RngFile}.", path);
        var (tensors, _) = StateTensorFile.Load(path);
        try
        {
            if (!tensors.TryGetValue("torch_cpu_rng_state", out var state))
                throw new InvalidDataException($"{path} has no 'torch_cpu_rng_state' tensor.");
            torch.random.set_rng_state(state);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    internal static TrainerState LoadState(string checkpoint)
    {
        string path = Path.Combine(checkpoint, StateFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint {checkpoint} has no {StateFile}.", path);
        return TrainerState.FromJson(File.ReadAllText(path));
    }
}
