namespace DistilBert.Sharp.Training;

/// <summary>
/// Turns the interval arguments into control flags (HF's <c>DefaultFlowCallback</c>): log, evaluate and save every N
/// steps or every epoch, and stop at <see cref="TrainerState.MaxSteps"/>. The trainer always installs it first.
/// </summary>
public sealed class DefaultFlowCallback : TrainerCallback
{
    /// <inheritdoc />
    public override void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control)
    {
        if (state.GlobalStep == 1 && args.LoggingFirstStep) control.ShouldLog = true;
        if (args.LoggingStrategy == IntervalStrategy.Steps && state.GlobalStep % args.LoggingSteps == 0) control.ShouldLog = true;
        if (args.EvalStrategy == IntervalStrategy.Steps && state.GlobalStep % args.EffectiveEvalSteps == 0) control.ShouldEvaluate = true;
        if (args.SaveStrategy == SaveStrategy.Steps && state.GlobalStep % args.SaveSteps == 0) control.ShouldSave = true;

        if (state.GlobalStep >= state.MaxSteps)
        {
            control.ShouldTrainingStop = true;
            // Like HF, the last step is always saved. With the epoch strategy the epoch-end event (which the loop raises
            // even when it stops mid-epoch) saves it, after the epoch's evaluation; flagging it here too would write the
            // same checkpoint twice. "best" saves decide for themselves.
            if (args.SaveStrategy == SaveStrategy.Steps) control.ShouldSave = true;
        }
    }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingArguments args, TrainerState state, TrainerControl control)
    {
        if (args.LoggingStrategy == IntervalStrategy.Epoch) control.ShouldLog = true;
        if (args.EvalStrategy == IntervalStrategy.Epoch) control.ShouldEvaluate = true;
        if (args.SaveStrategy == SaveStrategy.Epoch) control.ShouldSave = true;
    }
}
