namespace DistilBert.Sharp.Training.Optimization;

/// <summary>
/// HF's learning-rate schedules as multiplicative factors of the base learning rate (PyTorch <c>LambdaLR</c>
/// semantics): optimizer step number <c>k</c> (0-based, i.e. the count of steps already taken) uses
/// <c>base_lr × Factor(k)</c>.
/// </summary>
public sealed class LearningRateSchedule
{
    private readonly Func<int, double> _factor;

    /// <summary>Creates the schedule HF's <c>get_scheduler(name, optimizer, num_warmup_steps, num_training_steps)</c> builds.</summary>
    /// <param name="type">Schedule kind.</param>
    /// <param name="warmupSteps">Linear warmup steps.</param>
    /// <param name="trainingSteps">Total optimizer steps.</param>
    /// <param name="baseLearningRate">Needed by <see cref="SchedulerType.Polynomial"/>, whose end value is absolute (1e-7).</param>
    public LearningRateSchedule(SchedulerType type, int warmupSteps, int trainingSteps, double baseLearningRate)
    {
        Type = type;
        WarmupSteps = warmupSteps;
        TrainingSteps = trainingSteps;
        _factor = type switch
        {
            SchedulerType.Constant => _ => 1.0,
            SchedulerType.ConstantWithWarmup => s => s < warmupSteps ? Warmup(s) : 1.0,
            SchedulerType.Linear => s => s < warmupSteps
                ? Warmup(s)
                : Math.Max(0.0, (double)(trainingSteps - s) / Math.Max(1, trainingSteps - warmupSteps)),
            SchedulerType.Cosine => s => s < warmupSteps ? Warmup(s) : Cosine(s, 0.5),
            SchedulerType.CosineWithRestarts => s => s < warmupSteps ? Warmup(s) : CosineRestarts(s, 1),
            SchedulerType.Polynomial => s => Polynomial(s, baseLearningRate, 1e-7, 1.0),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown lr_scheduler_type."),
        };
    }

    /// <summary>Schedule kind.</summary>
    public SchedulerType Type { get; }

    /// <summary>Warmup steps.</summary>
    public int WarmupSteps { get; }

    /// <summary>Total optimizer steps.</summary>
    public int TrainingSteps { get; }

    /// <summary>Multiplier of the base learning rate for optimizer step <paramref name="step"/> (0-based).</summary>
    public double Factor(int step) => _factor(step);

    private double Warmup(int s) => (double)s / Math.Max(1, WarmupSteps);

    private double Progress(int s) => (double)(s - WarmupSteps) / Math.Max(1, TrainingSteps - WarmupSteps);

    private double Cosine(int s, double numCycles) =>
        Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * numCycles * 2.0 * Progress(s))));

    private double CosineRestarts(int s, int numCycles)
    {
        double progress = Progress(s);
        if (progress >= 1.0) return 0.0;
        return Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * ((numCycles * progress) % 1.0))));
    }

    private double Polynomial(int s, double lrInit, double lrEnd, double power)
    {
        if (!(lrInit > lrEnd)) throw new ArgumentException($"lr_end ({lrEnd}) must be smaller than the initial lr ({lrInit}) for the polynomial schedule.");
        if (s < WarmupSteps) return Warmup(s);
        if (s > TrainingSteps) return lrEnd / lrInit;
        double lrRange = lrInit - lrEnd;
        int decaySteps = TrainingSteps - WarmupSteps;
        double pctRemaining = 1 - (double)(s - WarmupSteps) / decaySteps;
        double decay = lrRange * Math.Pow(pctRemaining, power) + lrEnd;
        return decay / lrInit;
    }
}
