namespace DistilBert.Sharp.Training;

/// <summary>
/// Calls every callback in order for each event and resets the control flags the way HF's <c>CallbackHandler</c> does
/// (log/evaluate/save flags at each step begin, the epoch flag at each epoch begin).
/// </summary>
internal sealed class CallbackHandler(IEnumerable<TrainerCallback> callbacks)
{
    private readonly List<TrainerCallback> _callbacks = [.. callbacks];

    public IReadOnlyList<TrainerCallback> Callbacks => _callbacks;

    public void Add(TrainerCallback callback) => _callbacks.Add(callback ?? throw new ArgumentNullException(nameof(callback)));

    public void TrainBegin(TrainingArguments a, TrainerState s, TrainerControl c)
    {
        c.ShouldTrainingStop = false;
        foreach (var cb in Callbacks) cb.OnTrainBegin(a, s, c);
    }

    public void TrainEnd(TrainingArguments a, TrainerState s, TrainerControl c)
    {
        foreach (var cb in Callbacks) cb.OnTrainEnd(a, s, c);
    }

    public void EpochBegin(TrainingArguments a, TrainerState s, TrainerControl c)
    {
        c.ShouldEpochStop = false;
        foreach (var cb in Callbacks) cb.OnEpochBegin(a, s, c);
    }

    public void EpochEnd(TrainingArguments a, TrainerState s, TrainerControl c)
    {
        foreach (var cb in Callbacks) cb.OnEpochEnd(a, s, c);
    }

    public void StepBegin(TrainingArguments a, TrainerState s, TrainerControl c)
    {
        c.ShouldLog = c.ShouldEvaluate = c.ShouldSave = false;
        foreach (var cb in Callbacks) cb.OnStepBegin(a, s, c);
    }

    public void StepEnd(TrainingArguments a, TrainerState s, TrainerControl c)
    {
        foreach (var cb in Callbacks) cb.OnStepEnd(a, s, c);
    }

    public void Evaluate(TrainingArguments a, TrainerState s, TrainerControl c, IReadOnlyDictionary<string, double> metrics)
    {
        c.ShouldEvaluate = false;
        foreach (var cb in Callbacks) cb.OnEvaluate(a, s, c, metrics);
    }

    public void Save(TrainingArguments a, TrainerState s, TrainerControl c)
    {
        c.ShouldSave = false;
        foreach (var cb in Callbacks) cb.OnSave(a, s, c);
    }

    public void Log(TrainingArguments a, TrainerState s, TrainerControl c, IReadOnlyDictionary<string, double> logs)
    {
        c.ShouldLog = false;
        foreach (var cb in Callbacks) cb.OnLog(a, s, c, logs);
    }

    /// <summary>Collects stateful callbacks' state into <see cref="TrainerState.StatefulCallbacks"/>.</summary>
    public void CaptureState(TrainerState s)
    {
        foreach (var cb in Callbacks)
        {
            if (cb.SaveState() is { } saved) s.StatefulCallbacks[cb.GetType().Name] = saved;
        }
    }

    public void RestoreState(TrainerState s)
    {
        foreach (var cb in Callbacks)
        {
            if (s.StatefulCallbacks.TryGetValue(cb.GetType().Name, out var saved)) cb.LoadState(saved);
        }
    }
}
