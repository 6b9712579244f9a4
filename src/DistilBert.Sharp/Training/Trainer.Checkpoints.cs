using DistilBert.Sharp.Training.Checkpointing;
using Microsoft.Extensions.Logging;

namespace DistilBert.Sharp.Training;

public sealed partial class Trainer
{
    /// <summary>Writes <c>checkpoint-&lt;step&gt;</c> (atomically), records the best checkpoint and rotates old ones.</summary>
    private void SaveCheckpoint()
    {
        string final = Path.Combine(Args.OutputDir, CheckpointManager.Prefix + State.GlobalStep);
        // The checkpoint of the step that reached the best metric is the best model (HF's best_model_checkpoint).
        if (State.BestGlobalStep == State.GlobalStep) State.BestModelCheckpoint = final;
        _callbacks.CaptureState(State);
        CheckpointManager.Save(Args.OutputDir, _model, _optimizer!, State, Args, BeforeCheckpointRename);
        _logger.LogInformation("Saved checkpoint {Checkpoint}", final);
        foreach (var deleted in CheckpointManager.Rotate(Args.OutputDir, Args.SaveTotalLimit, State.BestModelCheckpoint, Args.LoadBestModelAtEnd))
            _logger.LogInformation("Deleted checkpoint {Checkpoint} (save_total_limit={Limit})", deleted, Args.SaveTotalLimit);
    }

    /// <summary>
    /// Restores weights, optimizer, schedule position, RNG, state and callback state from a checkpoint and returns
    /// where in the data to continue: (epoch, micro-batches of that epoch already consumed).
    /// </summary>
    private (int Epoch, int MicroBatchesToSkip) RestoreCheckpoint(string checkpoint, int updatesPerEpoch)
    {
        if (!Directory.Exists(checkpoint)) throw new DirectoryNotFoundException($"Checkpoint folder {checkpoint} does not exist.");
        var saved = CheckpointManager.LoadState(checkpoint);
        if (saved.GlobalStep > State.MaxSteps)
            throw new InvalidOperationException($"Checkpoint {checkpoint} is at step {saved.GlobalStep}, beyond this run's max_steps {State.MaxSteps}.");
        CheckpointManager.LoadModelWeights(_model, checkpoint);
        CheckpointManager.LoadOptimizer(_optimizer!, checkpoint);
        CheckpointManager.LoadRngState(checkpoint);

        State.GlobalStep = saved.GlobalStep;
        State.Epoch = saved.Epoch;
        State.LogHistory = saved.LogHistory;
        State.BestMetric = saved.BestMetric;
        State.BestGlobalStep = saved.BestGlobalStep;
        State.BestModelCheckpoint = saved.BestModelCheckpoint;
        State.StatefulCallbacks = saved.StatefulCallbacks;
        _callbacks.RestoreState(State);
        _logger.LogInformation("Resuming from {Checkpoint} at step {Step}", checkpoint, saved.GlobalStep);
        return (saved.GlobalStep / updatesPerEpoch, saved.GlobalStep % updatesPerEpoch * Args.GradientAccumulationSteps);
    }
}
