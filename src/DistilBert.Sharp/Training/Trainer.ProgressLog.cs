using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace DistilBert.Sharp.Training;

public sealed partial class Trainer
{
    /// <summary>
    /// How often the trainer writes a progress line (step/total, loss, learning rate, elapsed time, ETA) to its
    /// <c>ILogger</c> while training: HF's progress bar, as log lines a console or a log file shows. The first and the last
    /// step always get a line. Default 10 seconds; <see cref="TimeSpan.Zero"/> writes one line per step. Turn the lines off
    /// with <see cref="TrainingArguments.DisableTqdm"/> (e.g. when the application draws its own progress bar from a
    /// <see cref="ProgressCallback"/>).
    /// </summary>
    public TimeSpan ProgressLogInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>HF warns when the warmup does not end before training does: the model never reaches the peak learning rate.</summary>
    private void WarnIfWarmupCoversRun(int warmupSteps, int maxSteps)
    {
        if (warmupSteps < maxSteps) return;
        _logger.LogWarning(
            "Warmup ({Warmup} steps) is as long as the whole run ({MaxSteps} steps): the learning rate never reaches its peak {LearningRate} " +
            "and the model may barely train. Use a fraction of the run instead (WarmupSteps = 0.1 for 10%) or train longer.",
            warmupSteps, maxSteps, Args.LearningRate);
    }

    private ProgressLog StartProgressLog() => new(this, State.GlobalStep);

    /// <summary>
    /// Writes the progress lines of one <c>Train</c> call. The loss is the mean step loss since the previous line;
    /// the ETA extrapolates this run's own pace (steps restored from a checkpoint do not count).
    /// </summary>
    private sealed class ProgressLog(Trainer trainer, int startStep)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _lastLine = TimeSpan.MinValue;
        private double _lossSum;
        private int _lossSteps;

        public void Step(double stepLoss, double learningRate)
        {
            _lossSum += stepLoss;
            _lossSteps++;
            var state = trainer.State;
            if (trainer.Args.DisableTqdm || !trainer._logger.IsEnabled(LogLevel.Information)) return;
            TimeSpan now = _clock.Elapsed;
            bool first = state.GlobalStep == startStep + 1, last = state.GlobalStep >= state.MaxSteps;
            if (!first && !last && now - _lastLine < trainer.ProgressLogInterval) return;

            int doneThisRun = state.GlobalStep - startStep;
            double secondsPerStep = now.TotalSeconds / Math.Max(1, doneThisRun);
            var eta = TimeSpan.FromSeconds(Math.Round(secondsPerStep * Math.Max(0, state.MaxSteps - state.GlobalStep)));
            trainer._logger.LogInformation(
                "Step {Step}/{MaxSteps} ({Percent:0}%), epoch {Epoch:0.00}: loss {Loss:0.0000}, lr {LearningRate:0.###e+0}, {Elapsed} elapsed, ETA {Eta} ({SecondsPerStep:0.00} s/step)",
                state.GlobalStep, state.MaxSteps, 100.0 * state.GlobalStep / Math.Max(1, state.MaxSteps), state.Epoch,
                _lossSum / _lossSteps, learningRate, Format(now), Format(eta), secondsPerStep);
            _lastLine = now;
            _lossSum = 0;
            _lossSteps = 0;
        }

        private static string Format(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");
    }
}
