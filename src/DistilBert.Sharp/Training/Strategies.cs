namespace DistilBert.Sharp.Training;

/// <summary>When to evaluate or log (HF's <c>IntervalStrategy</c>).</summary>
public enum IntervalStrategy
{
    /// <summary>Never.</summary>
    No,

    /// <summary>Every N optimizer steps.</summary>
    Steps,

    /// <summary>At the end of every epoch.</summary>
    Epoch,
}

/// <summary>When to write checkpoints (HF's <c>SaveStrategy</c>).</summary>
public enum SaveStrategy
{
    /// <summary>Never (except what <see cref="TrainingArguments.LoadBestModelAtEnd"/> needs, which then is invalid).</summary>
    No,

    /// <summary>Every <see cref="TrainingArguments.SaveSteps"/> optimizer steps.</summary>
    Steps,

    /// <summary>At the end of every epoch.</summary>
    Epoch,

    /// <summary>After an evaluation that reaches a new best <see cref="TrainingArguments.MetricForBestModel"/>.</summary>
    Best,
}

/// <summary>Learning-rate schedules, exactly as HF's <c>get_scheduler</c> computes them (HF's <c>SchedulerType</c>).</summary>
public enum SchedulerType
{
    /// <summary>Linear warmup from 0, then linear decay to 0 at the last step.</summary>
    Linear,

    /// <summary>Linear warmup, then half a cosine wave down to 0.</summary>
    Cosine,

    /// <summary>Linear warmup, then cosine decays restarting <c>num_cycles</c> times (1 by default).</summary>
    CosineWithRestarts,

    /// <summary>Linear warmup, then polynomial decay (power 1) to <c>lr_end = 1e-7</c>.</summary>
    Polynomial,

    /// <summary>Constant learning rate.</summary>
    Constant,

    /// <summary>Linear warmup, then constant.</summary>
    ConstantWithWarmup,
}
