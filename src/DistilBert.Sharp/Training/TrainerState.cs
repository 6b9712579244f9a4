using System.Text.Json;
using System.Text.Json.Serialization;

namespace DistilBert.Sharp.Training;

/// <summary>
/// Where a training run stands (HF's <c>TrainerState</c>); saved in every checkpoint as <c>trainer_state.json</c>
/// with HF's schema, so HF tooling can read it and a resumed run continues from it.
/// </summary>
public sealed class TrainerState
{
    /// <summary>Fractional epoch reached (e.g. 1.5 = half way through the second epoch).</summary>
    [JsonPropertyName("epoch")] public double Epoch { get; set; }

    /// <summary>Optimizer steps taken so far.</summary>
    [JsonPropertyName("global_step")] public int GlobalStep { get; set; }

    /// <summary>Total optimizer steps of the run.</summary>
    [JsonPropertyName("max_steps")] public int MaxSteps { get; set; }

    /// <summary>Logging interval in steps.</summary>
    [JsonPropertyName("logging_steps")] public int LoggingSteps { get; set; }

    /// <summary>Evaluation interval in steps.</summary>
    [JsonPropertyName("eval_steps")] public int EvalSteps { get; set; }

    /// <summary>Save interval in steps.</summary>
    [JsonPropertyName("save_steps")] public int SaveSteps { get; set; }

    /// <summary>Training batch size.</summary>
    [JsonPropertyName("train_batch_size")] public int TrainBatchSize { get; set; }

    /// <summary>Total epochs of the run (rounded up).</summary>
    [JsonPropertyName("num_train_epochs")] public int NumTrainEpochs { get; set; }

    /// <summary>Every log entry so far: training logs (loss, learning_rate, grad_norm, epoch, step), eval metrics, the final summary.</summary>
    [JsonPropertyName("log_history")] public List<Dictionary<string, double>> LogHistory { get; set; } = [];

    /// <summary>Best value of the tracked metric so far.</summary>
    [JsonPropertyName("best_metric")] public double? BestMetric { get; set; }

    /// <summary>Step at which <see cref="BestMetric"/> was reached.</summary>
    [JsonPropertyName("best_global_step")] public int? BestGlobalStep { get; set; }

    /// <summary>Checkpoint folder holding the best model, once saved.</summary>
    [JsonPropertyName("best_model_checkpoint")] public string? BestModelCheckpoint { get; set; }

    /// <summary>Floating point operations (not tracked; always 0, kept for HF's schema).</summary>
    [JsonPropertyName("total_flos")] public double TotalFlos { get; set; }

    /// <summary>Always true (single process); kept for HF's schema.</summary>
    [JsonPropertyName("is_local_process_zero")] public bool IsLocalProcessZero { get; set; } = true;

    /// <summary>Always true (single process); kept for HF's schema.</summary>
    [JsonPropertyName("is_world_process_zero")] public bool IsWorldProcessZero { get; set; } = true;

    /// <summary>Always false; kept for HF's schema.</summary>
    [JsonPropertyName("is_hyper_param_search")] public bool IsHyperParamSearch { get; set; }

    /// <summary>State that stateful callbacks (e.g. early stopping) save and restore, by callback name.</summary>
    [JsonPropertyName("stateful_callbacks")] public Dictionary<string, Dictionary<string, double>> StatefulCallbacks { get; set; } = [];

    /// <summary>Serialises as <c>trainer_state.json</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Reads a <c>trainer_state.json</c>.</summary>
    /// <exception cref="JsonException">The text is not a trainer state.</exception>
    public static TrainerState FromJson(string json) =>
        JsonSerializer.Deserialize<TrainerState>(json, Options) ?? throw new JsonException("trainer_state.json is empty.");

    // A diverging run logs NaN/Infinity losses; Python's json (HF) writes them as NaN/Infinity too, so allow them
    // rather than failing the checkpoint.
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
