using DistilBert.Sharp.Training;

namespace ImdbFineTune;

/// <summary>Collects the curves for the plot from the Trainer's progress reports (its log entries).</summary>
internal sealed class TrainingHistory
{
    private readonly List<(double Step, double Loss)> _trainLoss = [];
    private readonly List<(double Step, double Accuracy)> _validAccuracy = [];

    public IReadOnlyList<(double Step, double Loss)> TrainLoss => _trainLoss;
    public IReadOnlyList<(double Step, double Accuracy)> ValidAccuracy => _validAccuracy;

    public void Add(TrainingProgress progress)
    {
        if (progress.LatestLog is not { } log) return;
        if (log.TryGetValue("loss", out double loss)) _trainLoss.Add((progress.GlobalStep, loss));
        if (log.TryGetValue("eval_accuracy", out double accuracy)) _validAccuracy.Add((progress.GlobalStep, accuracy));
    }
}
