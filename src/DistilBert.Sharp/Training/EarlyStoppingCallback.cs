namespace DistilBert.Sharp.Training;

/// <summary>
/// Stops training when the tracked metric has not improved for <c>patience</c> evaluations in a row
/// (HF's <c>EarlyStoppingCallback</c>). Requires <see cref="TrainingArguments.LoadBestModelAtEnd"/>, a metric and
/// an evaluation strategy, as HF does.
/// </summary>
public sealed class EarlyStoppingCallback : TrainerCallback
{
    /// <summary>Creates the callback.</summary>
    /// <param name="patience">Evaluations without improvement after which training stops (HF's <c>early_stopping_patience</c>).</param>
    /// <param name="threshold">Minimum improvement that counts (HF's <c>early_stopping_threshold</c>).</param>
    public EarlyStoppingCallback(int patience = 1, double threshold = 0.0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patience, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(threshold);
        Patience = patience;
        Threshold = threshold;
    }

    /// <summary>Evaluations without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>Minimum improvement that resets the counter.</summary>
    public double Threshold { get; }

    /// <summary>Evaluations since the last improvement.</summary>
    public int PatienceCounter { get; private set; }

    /// <inheritdoc />
    public override void OnTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control)
    {
        if (!args.LoadBestModelAtEnd)
            throw new InvalidOperationException("EarlyStoppingCallback requires load_best_model_at_end = true.");
        if (args.EffectiveMetricForBestModel is null)
            throw new InvalidOperationException("EarlyStoppingCallback requires metric_for_best_model to be defined.");
        if (args.EvalStrategy == IntervalStrategy.No)
            throw new InvalidOperationException("EarlyStoppingCallback requires an eval_strategy of steps or epoch.");
    }

    /// <inheritdoc />
    public override void OnEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, IReadOnlyDictionary<string, double> metrics)
    {
        string name = args.EffectiveMetricForBestModel!;
        if (!name.StartsWith("eval_", StringComparison.Ordinal)) name = "eval_" + name;
        if (!metrics.TryGetValue(name, out double value)) return; // HF warns and keeps going; the trainer logs it.

        // Compared against the best *before* this evaluation: the trainer updates best_metric after on_evaluate.
        bool improved = state.BestMetric is not double best
            || ((args.EffectiveGreaterIsBetter ? value > best : value < best) && Math.Abs(value - best) > Threshold);
        PatienceCounter = improved ? 0 : PatienceCounter + 1;
        if (PatienceCounter >= Patience) control.ShouldTrainingStop = true;
    }

    /// <inheritdoc />
    public override Dictionary<string, double>? SaveState() => new() { ["early_stopping_patience_counter"] = PatienceCounter };

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, double> saved)
    {
        if (saved.TryGetValue("early_stopping_patience_counter", out double c)) PatienceCounter = (int)c;
    }
}
