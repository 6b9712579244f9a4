using DistilBert.Sharp.Training;
using Spectre.Console;

namespace ImdbFineTune;

/// <summary>
/// The output folder's rules, as HF's <c>run_glue.py</c> has them for <c>--output_dir</c>: a folder that already holds
/// checkpoints is never trained into silently: <c>--resume</c> continues from its latest checkpoint (or a given one),
/// <c>--overwrite-output-dir</c> starts over. A failed run leaves no empty folder behind.
/// </summary>
internal static class RunFolder
{
    /// <summary>Where the Trainer writes <c>checkpoint-N</c> folders inside a run folder.</summary>
    public static string CheckpointsOf(string output) => Path.Combine(output, "checkpoints");

    /// <summary>The checkpoint to resume from (null: train from scratch), after applying the rules above.</summary>
    /// <exception cref="ArgumentException">The folder holds checkpoints and neither flag was given, or there is nothing to resume.</exception>
    public static string? Prepare(SampleOptions options)
    {
        string checkpoints = CheckpointsOf(options.Output);
        string? last = Trainer.GetLastCheckpoint(checkpoints);
        if (options.Resume is string resume)
        {
            string? from = resume.Length == 0 ? last : CheckpointIn(resume);
            return from ?? throw new ArgumentException(
                $"--resume: no checkpoint in {(resume.Length == 0 ? checkpoints : resume)}. Pass the run folder (--output) of an earlier run, " +
                "or a checkpoint-N folder, or leave out --resume to start a new run.");
        }
        if (last is null) return null;
        if (!options.OverwriteOutputDir)
            throw new ArgumentException(
                $"{options.Output} already holds checkpoints (latest: {Path.GetFileName(last)}). Pass --resume to continue that run, " +
                "--overwrite-output-dir to start over in it, or another --output.");
        foreach (string old in Directory.GetDirectories(checkpoints, "checkpoint-*"))
        {
            Directory.Delete(old, recursive: true); // the sample's own earlier checkpoints, nothing else
        }
        AnsiConsole.MarkupLineInterpolated($"[yellow]--overwrite-output-dir: deleted the earlier checkpoints in {checkpoints}.[/]");
        return null;
    }

    /// <summary>A checkpoint-N folder as is; a run folder or its checkpoints folder: its latest checkpoint.</summary>
    public static string? CheckpointIn(string path)
    {
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"--resume: the folder {path} does not exist.");
        if (Path.GetFileName(Path.TrimEndingDirectorySeparator(path)).StartsWith("checkpoint-", StringComparison.Ordinal)) return path;
        return Trainer.GetLastCheckpoint(CheckpointsOf(path)) ?? Trainer.GetLastCheckpoint(path);
    }

    /// <summary>The run folder a checkpoint belongs to (<c>&lt;run&gt;/checkpoints/checkpoint-N</c>), or null.</summary>
    public static string? RunOf(string checkpoint)
    {
        var parent = Directory.GetParent(Path.TrimEndingDirectorySeparator(checkpoint));
        return parent is { Name: "checkpoints", Parent: { } run } ? run.FullName : null;
    }

    /// <summary>The most recent <c>runs/&lt;prefix&gt;-*</c> folder (by name: the names carry a timestamp) that holds a checkpoint.</summary>
    public static string? LatestRun(string runsDirectory, string prefix) =>
        !Directory.Exists(runsDirectory) ? null
            : Directory.GetDirectories(runsDirectory, prefix + "-*").Order(StringComparer.Ordinal)
                .LastOrDefault(run => Trainer.GetLastCheckpoint(CheckpointsOf(run)) is not null);

    /// <summary>Deletes <paramref name="folder"/> when it holds nothing but empty folders (what a failed run leaves).</summary>
    public static void RemoveIfEmpty(string folder)
    {
        try
        {
            if (Directory.Exists(folder) && !Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any())
                Directory.Delete(folder, recursive: true);
        }
        catch (IOException) { } // best effort: never hide the run's own error behind a clean-up error
        catch (UnauthorizedAccessException) { }
    }
}
