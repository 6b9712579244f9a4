namespace DistilBert.Sharp.Training;

/// <summary>
/// Hooks into the training loop (HF's <c>TrainerCallback</c>). Every event receives the arguments, the state and the
/// control flags; a callback observes state and steers the loop only by setting <see cref="TrainerControl"/> flags.
/// </summary>
public abstract class TrainerCallback
{
    /// <summary>Training starts (after a resume has been restored).</summary>
    public virtual void OnTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) { }

    /// <summary>Training ends (after the best model was restored, if requested).</summary>
    public virtual void OnTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control) { }

    /// <summary>An epoch starts.</summary>
    public virtual void OnEpochBegin(TrainingArguments args, TrainerState state, TrainerControl control) { }

    /// <summary>An epoch ends.</summary>
    public virtual void OnEpochEnd(TrainingArguments args, TrainerState state, TrainerControl control) { }

    /// <summary>An optimizer step (i.e. after all its accumulated micro-batches) starts.</summary>
    public virtual void OnStepBegin(TrainingArguments args, TrainerState state, TrainerControl control) { }

    /// <summary>An optimizer step ended; <see cref="TrainerState.GlobalStep"/> counts it.</summary>
    public virtual void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) { }

    /// <summary>An evaluation finished with <paramref name="metrics"/> (keys prefixed <c>eval_</c>).</summary>
    public virtual void OnEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, IReadOnlyDictionary<string, double> metrics) { }

    /// <summary>A checkpoint was written.</summary>
    public virtual void OnSave(TrainingArguments args, TrainerState state, TrainerControl control) { }

    /// <summary>A log entry was appended to <see cref="TrainerState.LogHistory"/>.</summary>
    public virtual void OnLog(TrainingArguments args, TrainerState state, TrainerControl control, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Values to keep across a resume (saved in <c>trainer_state.json</c>); null for stateless callbacks.</summary>
    public virtual Dictionary<string, double>? SaveState() => null;

    /// <summary>Restores what <see cref="SaveState"/> returned.</summary>
    public virtual void LoadState(IReadOnlyDictionary<string, double> saved) { }
}
