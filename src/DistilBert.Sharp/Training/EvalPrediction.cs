namespace DistilBert.Sharp.Training;

/// <summary>What <c>compute_metrics</c> receives (HF's <c>EvalPrediction</c>): the model's logits and the true labels.</summary>
/// <param name="Predictions">Logits, [examples, num_labels].</param>
/// <param name="LabelIds">Class labels for single-label classification, else null.</param>
/// <param name="FloatLabels">Targets for regression ([examples, 1]) or multi-label classification, else null.</param>
public sealed record EvalPrediction(float[,] Predictions, long[]? LabelIds, float[,]? FloatLabels);

/// <summary>What <c>Trainer.Predict</c> returns (HF's <c>PredictionOutput</c>).</summary>
/// <param name="Predictions">Logits, [examples, num_labels]; [examples, 0] for per-token logits (masked LM), where only the loss is reported.</param>
/// <param name="LabelIds">Class labels when the dataset has them.</param>
/// <param name="FloatLabels">Regression / multi-label targets when the dataset has them.</param>
/// <param name="Metrics">Metrics with the <c>test_</c> prefix (loss, runtime, and compute_metrics' values).</param>
public sealed record PredictionOutput(float[,] Predictions, long[]? LabelIds, float[,]? FloatLabels, IReadOnlyDictionary<string, double> Metrics);

/// <summary>What <c>Trainer.Train</c> returns (HF's <c>TrainOutput</c>).</summary>
/// <param name="GlobalStep">Optimizer steps at the end of training.</param>
/// <param name="TrainingLoss">Mean training loss over the steps of this call.</param>
/// <param name="Metrics">train_runtime, train_samples_per_second, train_steps_per_second, train_loss, epoch.</param>
public sealed record TrainOutput(int GlobalStep, double TrainingLoss, IReadOnlyDictionary<string, double> Metrics);
