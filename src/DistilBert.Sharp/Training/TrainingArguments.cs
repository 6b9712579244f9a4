using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;

namespace DistilBert.Sharp.Training;

/// <summary>
/// Everything that configures a <see cref="Trainer"/> run, with HF's names (C#-cased) and HF's defaults
/// (HF's <c>TrainingArguments</c>). Call <see cref="Validate"/> (the trainer does) to reject invalid combinations.
/// </summary>
public sealed record TrainingArguments
{
    /// <summary>Where checkpoints (<c>checkpoint-&lt;step&gt;</c>) are written. Required.</summary>
    public required string OutputDir { get; init; }

    /// <summary>Epochs to train (may be fractional); ignored when <see cref="MaxSteps"/> &gt; 0. Default 3.</summary>
    public double NumTrainEpochs { get; init; } = 3.0;

    /// <summary>Total optimizer steps; overrides <see cref="NumTrainEpochs"/> when &gt; 0. Default −1 (unset).</summary>
    public int MaxSteps { get; init; } = -1;

    /// <summary>Examples per training micro-batch. Default 8.</summary>
    public int PerDeviceTrainBatchSize { get; init; } = 8;

    /// <summary>Examples per evaluation batch. Default 8.</summary>
    public int PerDeviceEvalBatchSize { get; init; } = 8;

    /// <summary>Peak learning rate of AdamW. Default 5e-5.</summary>
    public double LearningRate { get; init; } = 5e-5;

    /// <summary>Decoupled weight decay, applied to all weights except biases and LayerNorm weights. Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>AdamW β1. Default 0.9.</summary>
    public double AdamBeta1 { get; init; } = 0.9;

    /// <summary>AdamW β2. Default 0.999.</summary>
    public double AdamBeta2 { get; init; } = 0.999;

    /// <summary>AdamW ε. Default 1e-8.</summary>
    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>
    /// Layer-wise learning-rate decay factor (Sun et al., 2019; e.g. 0.95): the head keeps <see cref="LearningRate"/>,
    /// encoder layer k from the top (top = 1) gets <c>LearningRate × decay^k</c>, the embeddings
    /// <c>LearningRate × decay^(layers + 1)</c>; see <see cref="Optimization.LayerwiseLearningRates"/>. Null or 1 = off
    /// (HF's uniform rate). Not an HF argument. Ignored when <see cref="Trainer.ParameterGroupsFactory"/> is set.
    /// </summary>
    public double? LayerwiseLrDecay { get; init; }

    /// <summary>Learning-rate schedule. Default linear.</summary>
    public SchedulerType LrSchedulerType { get; init; } = SchedulerType.Linear;

    /// <summary>
    /// Linear warmup length, as in HF v5: a whole number ≥ 1 is a step count; a fraction in (0, 1) is a share of the
    /// run's total steps (rounded up), so the warmup scales with the run; 0 lets <see cref="WarmupRatio"/> decide. Default 0.
    /// </summary>
    public double WarmupSteps { get; init; }

    /// <summary>
    /// Fraction of the total steps used for warmup (rounded up) when <see cref="WarmupSteps"/> is 0 (HF v4's
    /// <c>warmup_ratio</c>). Default 0.
    /// </summary>
    public double WarmupRatio { get; init; }

    /// <summary>Micro-batches whose gradients are summed before one optimizer step. Default 1.</summary>
    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary>Gradients are clipped to this total L2 norm; 0 or less disables clipping. Default 1.0.</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>When to log. Default <see cref="IntervalStrategy.Steps"/>.</summary>
    public IntervalStrategy LoggingStrategy { get; init; } = IntervalStrategy.Steps;

    /// <summary>Log every N optimizer steps (with <see cref="IntervalStrategy.Steps"/>). Default 500.</summary>
    public int LoggingSteps { get; init; } = 500;

    /// <summary>Also log after the very first step. Default false.</summary>
    public bool LoggingFirstStep { get; init; }

    /// <summary>When to evaluate. Default <see cref="IntervalStrategy.No"/>.</summary>
    public IntervalStrategy EvalStrategy { get; init; } = IntervalStrategy.No;

    /// <summary>Evaluate every N steps; null means <see cref="LoggingSteps"/> (HF's rule).</summary>
    public int? EvalSteps { get; init; }

    /// <summary>When to save checkpoints. Default <see cref="SaveStrategy.Steps"/>.</summary>
    public SaveStrategy SaveStrategy { get; init; } = SaveStrategy.Steps;

    /// <summary>Save every N steps (with <see cref="SaveStrategy.Steps"/>). Default 500.</summary>
    public int SaveSteps { get; init; } = 500;

    /// <summary>Keep at most this many checkpoints (the best one is always kept); null keeps all.</summary>
    public int? SaveTotalLimit { get; init; }

    /// <summary>Reload the best checkpoint's weights when training ends. Needs matching eval/save strategies.</summary>
    public bool LoadBestModelAtEnd { get; init; }

    /// <summary>Metric that defines "best" (with or without the <c>eval_</c> prefix); defaults to <c>loss</c> when needed.</summary>
    public string? MetricForBestModel { get; init; }

    /// <summary>Whether larger metric values are better; defaults to false for losses and true otherwise.</summary>
    public bool? GreaterIsBetter { get; init; }

    /// <summary>Seed for weight init, dropout and shuffling. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Seed of the data order only; null means <see cref="Seed"/>.</summary>
    public int? DataSeed { get; init; }

    /// <summary>Group examples of similar length into batches (HF's length-grouped sampler). Default false.</summary>
    public bool GroupByLength { get; init; }

    /// <summary>Drop the last incomplete training batch of each epoch. Default false.</summary>
    public bool DataloaderDropLast { get; init; }

    /// <summary>
    /// bf16 mixed precision (HF's <c>bf16</c>): fp32 master weights and optimizer, Linear layers and attention in bf16,
    /// LayerNorm, softmax and the loss in fp32 (see <see cref="Modeling.MixedPrecision"/>). Default false.
    /// </summary>
    public bool Bf16 { get; init; }

    /// <summary>
    /// Precision mode (not an HF argument): <see cref="Runtime.PrecisionMode.Auto"/> uses bf16 only where the hardware runs it
    /// natively (AVX512_BF16/AMX CPU, CUDA compute capability 8.0+) and fp32 elsewhere, so it is never slower than fp32.
    /// <see cref="Bf16"/> = true means <see cref="Runtime.PrecisionMode.Bf16"/> whatever this says. Default fp32.
    /// The trainer logs its decision (a warning where bf16 is requested but emulated).
    /// </summary>
    public Runtime.PrecisionMode Precision { get; init; } = Runtime.PrecisionMode.Fp32;

    /// <summary>The requested mode after the <see cref="Bf16"/> alias: bf16 when it is set, else <see cref="Precision"/>.</summary>
    [JsonIgnore]
    public Runtime.PrecisionMode EffectivePrecision => Bf16 ? Runtime.PrecisionMode.Bf16 : Precision;

    /// <summary>
    /// Torch device to train on (e.g. <c>torch.CPU</c>, <c>torch.CUDA</c>), the same type the other options take.
    /// Default CPU. Written to <c>training_args.json</c> as its name (<c>"cpu"</c>, <c>"cuda:0"</c>).
    /// </summary>
    [JsonConverter(typeof(TorchDeviceJsonConverter))]
    public torch.Device Device { get; init; } = torch.CPU;

    /// <summary>
    /// Turns off the trainer's progress lines (HF's <c>disable_tqdm</c>: step/total, loss, learning rate and ETA, written
    /// to the trainer's <c>ILogger</c> every <see cref="Trainer.ProgressLogInterval"/>). Default false.
    /// </summary>
    public bool DisableTqdm { get; init; }

    /// <summary>
    /// HF's <c>report_to</c>; only "none" is supported (experiment trackers are out of scope: observe the run through
    /// <see cref="TrainerCallback"/>s, <see cref="ProgressCallback"/> and the <c>ILogger</c>).
    /// </summary>
    public IReadOnlyList<string> ReportTo { get; init; } = ["none"];

    /// <summary>The eval interval in steps after HF's defaulting (<see cref="EvalSteps"/> ?? <see cref="LoggingSteps"/>).</summary>
    [JsonIgnore]
    public int EffectiveEvalSteps => EvalSteps ?? LoggingSteps;

    /// <summary>The metric name after HF's defaulting, or null when no best model is tracked.</summary>
    [JsonIgnore]
    public string? EffectiveMetricForBestModel =>
        MetricForBestModel ?? (LoadBestModelAtEnd || SaveStrategy == SaveStrategy.Best ? "loss" : null);

    /// <summary>Whether larger is better after HF's defaulting.</summary>
    [JsonIgnore]
    public bool EffectiveGreaterIsBetter =>
        GreaterIsBetter ?? (EffectiveMetricForBestModel is string m && m is not ("loss" or "eval_loss"));

    /// <summary>Warmup steps for a run of <paramref name="totalSteps"/> steps (HF's <c>get_warmup_steps</c>).</summary>
    public int GetWarmupSteps(int totalSteps) => WarmupSteps switch
    {
        >= 1 => (int)WarmupSteps,
        > 0 => (int)Math.Ceiling(totalSteps * WarmupSteps),
        _ => (int)Math.Ceiling(totalSteps * WarmupRatio),
    };

    /// <summary>
    /// Rejects invalid values and combinations up front, with HF's rules, naming the offending argument.
    /// </summary>
    /// <exception cref="ArgumentException">Something is invalid; the message says what and why.</exception>
    public void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok) throw new ArgumentException(message);
        }
        Require(!string.IsNullOrWhiteSpace(OutputDir), "output_dir is required.");
        Require(MaxSteps > 0 || NumTrainEpochs > 0, $"num_train_epochs must be > 0 when max_steps is not set (got {NumTrainEpochs}).");
        Require(PerDeviceTrainBatchSize >= 1, $"per_device_train_batch_size must be >= 1 (got {PerDeviceTrainBatchSize}).");
        Require(PerDeviceEvalBatchSize >= 1, $"per_device_eval_batch_size must be >= 1 (got {PerDeviceEvalBatchSize}).");
        Require(LearningRate >= 0, $"learning_rate must be >= 0 (got {LearningRate}).");
        Require(WeightDecay >= 0, $"weight_decay must be >= 0 (got {WeightDecay}).");
        Require(LayerwiseLrDecay is null or (> 0 and <= 1), $"layerwise_lr_decay must be in (0, 1] when set (got {LayerwiseLrDecay}).");
        Require(AdamBeta1 is >= 0 and < 1, $"adam_beta1 must be in [0, 1) (got {AdamBeta1}).");
        Require(AdamBeta2 is >= 0 and < 1, $"adam_beta2 must be in [0, 1) (got {AdamBeta2}).");
        Require(AdamEpsilon >= 0, $"adam_epsilon must be >= 0 (got {AdamEpsilon}).");
        Require(WarmupSteps >= 0 && (WarmupSteps < 1 || WarmupSteps == Math.Floor(WarmupSteps)),
            $"warmup_steps must be a whole number of steps or a fraction in [0, 1) of the total steps (got {WarmupSteps}).");
        Require(WarmupRatio is >= 0 and <= 1, $"warmup_ratio must be in [0, 1] (got {WarmupRatio}).");
        Require(GradientAccumulationSteps >= 1, $"gradient_accumulation_steps must be >= 1 (got {GradientAccumulationSteps}).");
        Require(LoggingStrategy != IntervalStrategy.Steps || LoggingSteps > 0,
            $"logging_strategy=steps requires logging_steps > 0 (got {LoggingSteps}).");
        Require(EvalStrategy != IntervalStrategy.Steps || EffectiveEvalSteps > 0,
            $"eval_strategy=steps requires a non-zero eval_steps or logging_steps (got {EffectiveEvalSteps}).");
        Require(SaveStrategy != SaveStrategy.Steps || SaveSteps > 0, $"save_strategy=steps requires save_steps > 0 (got {SaveSteps}).");
        Require(SaveTotalLimit is null or >= 1, $"save_total_limit must be >= 1 when set (got {SaveTotalLimit}).");
        Require(SaveStrategy != SaveStrategy.Best || EvalStrategy != IntervalStrategy.No,
            "save_strategy=best needs evaluations to know the best metric: set eval_strategy to steps or epoch.");
        if (LoadBestModelAtEnd && SaveStrategy != SaveStrategy.Best)
        {
            // HF's rule: the best model can only be restored if every evaluation has a checkpoint to point at.
            Require(EvalStrategy != IntervalStrategy.No,
                "load_best_model_at_end requires an eval_strategy other than no.");
            Require((int)EvalStrategy == (int)SaveStrategy,
                $"load_best_model_at_end requires the save and eval strategy to match, but found eval_strategy={EvalStrategy} and save_strategy={SaveStrategy}.");
            if (EvalStrategy == IntervalStrategy.Steps)
            {
                Require(SaveSteps % EffectiveEvalSteps == 0,
                    $"load_best_model_at_end requires save_steps to be a round multiple of eval_steps, but found save_steps={SaveSteps} and eval_steps={EffectiveEvalSteps}.");
            }
        }
        Require(ReportTo.All(r => r is "none"), $"report_to supports only 'none' (got {string.Join(", ", ReportTo)}); use callbacks or ILogger to observe training.");
        Require(Device is not null, "device must be a torch device such as torch.CPU or torch.CUDA.");
    }

    /// <summary>Serialises the arguments as <c>training_args.json</c> (snake_case keys, as HF writes them).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads arguments written by <see cref="ToJson"/>.</summary>
    public static TrainingArguments FromJson(string json) =>
        JsonSerializer.Deserialize<TrainingArguments>(json, JsonOptions)
        ?? throw new JsonException("training_args.json is empty.");

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
