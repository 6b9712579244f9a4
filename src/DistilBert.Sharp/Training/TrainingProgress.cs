namespace DistilBert.Sharp.Training;

/// <summary>A progress report of a training run, sent through <see cref="IProgress{T}"/>.</summary>
/// <param name="GlobalStep">Optimizer steps done.</param>
/// <param name="MaxSteps">Optimizer steps of the whole run.</param>
/// <param name="Epoch">Fractional epoch reached.</param>
/// <param name="LatestLog">The latest log entry (training loss, eval metrics, …), if one was just written.</param>
public sealed record TrainingProgress(int GlobalStep, int MaxSteps, double Epoch, IReadOnlyDictionary<string, double>? LatestLog);

/// <summary>
/// Forwards the loop's progress to an <see cref="IProgress{T}"/> (HF's <c>ProgressCallback</c> without the
/// console: the application decides how to show it). Reports after every step and every log entry.
/// </summary>
public sealed class ProgressCallback : TrainerCallback
{
    private readonly IProgress<TrainingProgress> _progress;

    /// <summary>Creates the callback.</summary>
    public ProgressCallback(IProgress<TrainingProgress> progress) => _progress = progress ?? throw new ArgumentNullException(nameof(progress));

    /// <inheritdoc />
    public override void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) =>
        _progress.Report(new TrainingProgress(state.GlobalStep, state.MaxSteps, state.Epoch, null));

    /// <inheritdoc />
    public override void OnLog(TrainingArguments args, TrainerState state, TrainerControl control, IReadOnlyDictionary<string, double> logs) =>
        _progress.Report(new TrainingProgress(state.GlobalStep, state.MaxSteps, state.Epoch, logs));
}
