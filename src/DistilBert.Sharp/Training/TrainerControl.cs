namespace DistilBert.Sharp.Training;

/// <summary>
/// Flags through which callbacks steer the training loop (HF's <c>TrainerControl</c>). The loop reads and resets them.
/// </summary>
public sealed class TrainerControl
{
    /// <summary>Stop training after the current step.</summary>
    public bool ShouldTrainingStop { get; set; }

    /// <summary>End the current epoch after this step.</summary>
    public bool ShouldEpochStop { get; set; }

    /// <summary>Write a checkpoint now.</summary>
    public bool ShouldSave { get; set; }

    /// <summary>Evaluate now.</summary>
    public bool ShouldEvaluate { get; set; }

    /// <summary>Log now.</summary>
    public bool ShouldLog { get; set; }
}
