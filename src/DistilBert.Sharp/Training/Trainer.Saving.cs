using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tokenization;
using DistilBert.Sharp.Training.Checkpointing;
using Microsoft.Extensions.Logging;

namespace DistilBert.Sharp.Training;

public sealed partial class Trainer
{
    /// <summary>
    /// The tokenizer that goes with the model (HF's <c>processing_class</c>): <see cref="SaveModel"/> saves it beside the
    /// weights, so the folder is complete for <c>FromPretrained</c>, HF <c>pipeline</c> and other runtimes. Optional.
    /// </summary>
    public DistilBertTokenizer? ProcessingClass { get; set; }

    /// <summary>
    /// Saves the model (weights + <c>config.json</c>) and, when <see cref="ProcessingClass"/> is set, its tokenizer
    /// (<c>vocab.txt</c>, <c>tokenizer.json</c>, configs) into one folder (HF's <c>Trainer.save_model</c>).
    /// </summary>
    /// <param name="outputDir">Target folder; default <see cref="TrainingArguments.OutputDir"/>.</param>
    /// <returns>The full path of the folder.</returns>
    public string SaveModel(string? outputDir = null)
    {
        string dir = Path.GetFullPath(outputDir ?? Args.OutputDir);
        _model.SavePretrained(dir);
        ProcessingClass?.SavePretrained(dir);
        _logger.LogInformation("Saved model{Tokenizer} to {Directory}", ProcessingClass is null ? "" : " and tokenizer", dir);
        return dir;
    }

    /// <summary>
    /// Continues from the latest checkpoint in <see cref="TrainingArguments.OutputDir"/> when
    /// <paramref name="resumeFromCheckpoint"/> is true (HF's <c>train(resume_from_checkpoint=True)</c>); false trains from scratch.
    /// </summary>
    /// <param name="resumeFromCheckpoint">True: resume from <see cref="GetLastCheckpoint"/> of the output folder.</param>
    /// <param name="cancellationToken">As in <see cref="Train(string?, CancellationToken)"/>.</param>
    /// <exception cref="InvalidOperationException">True was passed and the output folder holds no checkpoint.</exception>
    public TrainOutput Train(bool resumeFromCheckpoint, CancellationToken cancellationToken = default)
    {
        if (!resumeFromCheckpoint) return Train((string?)null, cancellationToken);
        string checkpoint = GetLastCheckpoint(Args.OutputDir) ?? throw new InvalidOperationException(
            $"No checkpoint to resume from in output_dir {Path.GetFullPath(Args.OutputDir)} (no {CheckpointManager.Prefix}<step> folder).");
        return Train(checkpoint, cancellationToken);
    }

    /// <summary>
    /// The checkpoint folder with the highest step in <paramref name="outputDir"/> (HF's
    /// <c>transformers.trainer_utils.get_last_checkpoint</c>), or null when there is none, or the folder does not exist.
    /// Pass it to <see cref="Train(string?, CancellationToken)"/> to resume.
    /// </summary>
    public static string? GetLastCheckpoint(string outputDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDir);
        return Directory.Exists(outputDir) ? CheckpointManager.GetLastCheckpoint(outputDir) : null;
    }
}
