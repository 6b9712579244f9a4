using System.Diagnostics;
using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Training.Checkpointing;
using DistilBert.Sharp.Training.Optimization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;

namespace DistilBert.Sharp.Training;

/// <summary>
/// Fine-tunes a <see cref="PreTrainedModel"/> with HF <c>Trainer</c> semantics: AdamW with HF's parameter groups,
/// HF's learning-rate schedules, gradient accumulation and clipping, logging/evaluation/saving driven by
/// <see cref="TrainerCallback"/>s, checkpoints that resume bit-exactly, and <see cref="Evaluate"/> / <see cref="Predict"/>.
/// </summary>
/// <remarks>
/// One optimizer step, top to bottom (see <see cref="Train(string?, CancellationToken)"/>): sampler → collator (batch tensors) → model forward →
/// loss ÷ micro-batches → backward → (after the last micro-batch) clip → AdamW with the scheduled learning rate →
/// state and callbacks → maybe log / evaluate / save. Each micro-batch runs in its own dispose scope.
/// </remarks>
public sealed partial class Trainer : IDisposable
{
    private readonly PreTrainedModel _model;
    private readonly IModelDataset? _trainDataset;
    private readonly IModelDataset? _evalDataset;
    private readonly IModelDataCollator _collator;
    private readonly Func<EvalPrediction, IReadOnlyDictionary<string, double>>? _computeMetrics;
    private readonly CallbackHandler _callbacks;
    private readonly ILogger _logger;
    private readonly torch.Device _device;
    private AdamW? _optimizer;

    /// <summary>Creates a trainer.</summary>
    /// <param name="model">The model to train; its weights are updated in place.</param>
    /// <param name="args">Training configuration (validated here).</param>
    /// <param name="trainDataset">Training examples (required by <see cref="Train(string?, CancellationToken)"/>): a <see cref="TextClassificationDataset"/>,
    /// a <see cref="TokenClassificationDataset"/>, a <see cref="QuestionAnsweringDataset"/>, or any <see cref="IModelDataset"/>.</param>
    /// <param name="evalDataset">Evaluation examples (required by <see cref="Evaluate"/> without an argument and by eval strategies).</param>
    /// <param name="dataCollator">Batch builder; default pads with id 0 (<see cref="DataCollatorWithPadding"/>, which also carries
    /// token type ids and start/end positions). For masked-LM training pass a <see cref="DataCollatorForLanguageModeling"/> and an
    /// unlabelled dataset; for token classification a <see cref="DataCollatorForTokenClassification"/>.</param>
    /// <param name="computeMetrics">Turns predictions into metrics (e.g. <see cref="ClassificationMetrics.Compute"/>); keys get the <c>eval_</c> prefix.</param>
    /// <param name="callbacks">Extra callbacks, called after the built-in <see cref="DefaultFlowCallback"/>.</param>
    /// <param name="logger">Receives log entries and lifecycle messages; default none.</param>
    public Trainer(PreTrainedModel model, TrainingArguments args, IModelDataset? trainDataset = null,
        IModelDataset? evalDataset = null, IModelDataCollator? dataCollator = null,
        Func<EvalPrediction, IReadOnlyDictionary<string, double>>? computeMetrics = null,
        IEnumerable<TrainerCallback>? callbacks = null, ILogger<Trainer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(args);
        args.Validate();
        TorchRuntime.EnsureLoaded();
        if (args.EvalStrategy != IntervalStrategy.No && evalDataset is null)
            throw new ArgumentException($"eval_strategy={args.EvalStrategy} requires an eval dataset.", nameof(evalDataset));
        _model = model;
        Args = args;
        _trainDataset = trainDataset;
        _evalDataset = evalDataset;
        _collator = dataCollator ?? new DataCollatorWithPadding();
        _computeMetrics = computeMetrics;
        _callbacks = new CallbackHandler([new DefaultFlowCallback(), .. callbacks ?? []]);
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _device = args.Device;
        _model.to(_device);
    }

    /// <summary>Adds a callback after the existing ones (HF's <c>add_callback</c>), e.g. a progress display.</summary>
    public void AddCallback(TrainerCallback callback) => _callbacks.Add(callback);

    /// <summary>The (validated) training arguments.</summary>
    public TrainingArguments Args { get; }

    /// <summary>The model being trained.</summary>
    public PreTrainedModel Model => _model;

    /// <summary>Where the current (or last) run stands; its <see cref="TrainerState.LogHistory"/> has every log entry.</summary>
    public TrainerState State { get; private set; } = new();

    /// <summary>Control flags shared with the callbacks.</summary>
    public TrainerControl Control { get; } = new();

    /// <summary>The callbacks in call order (the default flow callback first).</summary>
    public IReadOnlyList<TrainerCallback> Callbacks => _callbacks.Callbacks;

    /// <summary>
    /// Overrides the training order (HF's <c>_get_train_sampler</c>); null picks a seeded <see cref="RandomSampler"/>
    /// or, with <see cref="TrainingArguments.GroupByLength"/>, a <see cref="LengthGroupedSampler"/>.
    /// </summary>
    public ISampler? TrainSampler { get; set; }

    /// <summary>
    /// Overrides HF's two weight-decay groups (e.g. for layer-wise learning-rate decay: one group per layer, each with
    /// its own base learning rate, all scaled by the same schedule). Null uses
    /// <see cref="ParameterGroups.Create(torch.nn.Module, TrainingArguments)"/>, which honours <see cref="TrainingArguments.LayerwiseLrDecay"/>.
    /// </summary>
    public Func<PreTrainedModel, TrainingArguments, IReadOnlyList<ParameterGroup>>? ParameterGroupsFactory { get; set; }

    /// <summary>Test hook: called with the temporary folder of a checkpoint just before it is renamed into place.</summary>
    internal Action<string>? BeforeCheckpointRename { get; set; }

    private ISampler CreateTrainSampler(IModelDataset ds)
    {
        if (TrainSampler is not null) return TrainSampler;
        long seed = Args.DataSeed ?? Args.Seed;
        return Args.GroupByLength
            ? new LengthGroupedSampler(Enumerable.Range(0, ds.Count).Select(ds.LengthOf).ToArray(), Args.PerDeviceTrainBatchSize, seed)
            : new RandomSampler(ds.Count, seed);
    }

    /// <summary>
    /// Trains for <see cref="TrainingArguments.MaxSteps"/> steps or <see cref="TrainingArguments.NumTrainEpochs"/> epochs.
    /// </summary>
    /// <param name="resumeFromCheckpoint">A checkpoint folder to continue from (weights, optimizer, schedule, RNG, data position).</param>
    /// <param name="cancellationToken">Checked between optimizer steps; cancellation throws <see cref="OperationCanceledException"/>
    /// and leaves the model with the weights of the last completed step.</param>
    public TrainOutput Train(string? resumeFromCheckpoint = null, CancellationToken cancellationToken = default)
    {
        var ds = _trainDataset ?? throw new InvalidOperationException("Train() needs a train dataset; pass one to the Trainer constructor.");
        var plan = new BatchPlan(CreateTrainSampler(ds), Args.PerDeviceTrainBatchSize, Args.DataloaderDropLast);
        int batchesPerEpoch = plan.BatchesPerEpoch;
        if (batchesPerEpoch == 0) throw new InvalidOperationException($"The train dataset ({ds.Count} examples) yields no batch of size {Args.PerDeviceTrainBatchSize}.");
        int gas = Args.GradientAccumulationSteps;
        // A trailing group of fewer than `gas` micro-batches still makes an optimizer step, so round up.
        int updatesPerEpoch = (batchesPerEpoch + gas - 1) / gas;
        int maxSteps, numEpochs;
        if (Args.MaxSteps > 0)
        {
            maxSteps = Args.MaxSteps;
            numEpochs = maxSteps / updatesPerEpoch + (maxSteps % updatesPerEpoch > 0 ? 1 : 0);
        }
        else
        {
            maxSteps = (int)Math.Ceiling(Args.NumTrainEpochs * updatesPerEpoch);
            numEpochs = (int)Math.Ceiling(Args.NumTrainEpochs);
        }

        Directory.CreateDirectory(Args.OutputDir);
        CheckpointManager.RemoveStaleTemporaries(Args.OutputDir);
        _optimizer?.Dispose();
        var groups = ParameterGroupsFactory?.Invoke(_model, Args) ?? ParameterGroups.Create(_model, Args);
        _optimizer = new AdamW(groups, Args.AdamBeta1, Args.AdamBeta2, Args.AdamEpsilon);
        var schedule = new LearningRateSchedule(Args.LrSchedulerType, Args.GetWarmupSteps(maxSteps), maxSteps, Args.LearningRate);
        WarnIfWarmupCoversRun(schedule.WarmupSteps, maxSteps);

        State = new TrainerState
        {
            MaxSteps = maxSteps, NumTrainEpochs = numEpochs, LoggingSteps = Args.LoggingSteps,
            EvalSteps = Args.EffectiveEvalSteps, SaveSteps = Args.SaveSteps, TrainBatchSize = Args.PerDeviceTrainBatchSize,
        };
        int epochsTrained = 0, microBatchesToSkip = 0;
        if (resumeFromCheckpoint is null)
        {
            torch.manual_seed(Args.Seed);
        }
        else
        {
            (epochsTrained, microBatchesToSkip) = RestoreCheckpoint(resumeFromCheckpoint, updatesPerEpoch);
        }

        _logger.LogInformation("Training: {Examples} examples, {Epochs} epochs, {Steps} optimizer steps, batch size {Batch}, accumulation {Gas}",
            ds.Count, numEpochs, maxSteps, Args.PerDeviceTrainBatchSize, gas);
        var clock = Stopwatch.StartNew();
        int startStep = State.GlobalStep;
        double lossSinceLog = 0, lossThisRun = 0;
        int lastLoggedStep = State.GlobalStep;
        var progressLog = StartProgressLog();
        _model.train();
        _callbacks.TrainBegin(Args, State, Control);
        // Resuming a run that already reached max_steps does no optimizer step, writes no checkpoint, and returns.
        if (State.GlobalStep >= maxSteps) Control.ShouldTrainingStop = true;

        for (int epoch = epochsTrained; epoch < numEpochs && !Control.ShouldTrainingStop; epoch++)
        {
            _callbacks.EpochBegin(Args, State, Control);
            int skip = epoch == epochsTrained ? microBatchesToSkip : 0;
            int[][] batches = plan.Batches(epoch).ToArray();
            for (int groupStart = skip; groupStart < batches.Length; groupStart += gas)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int micro = Math.Min(gas, batches.Length - groupStart);
                _callbacks.StepBegin(Args, State, Control);

                double stepLoss = 0, lr = 0;
                double? gradNorm = null;
                for (int m = 0; m < micro; m++) stepLoss += ForwardBackward(ds, batches[groupStart + m], micro);
                using (var scope = torch.NewDisposeScope())
                {
                    if (Args.MaxGradNorm > 0)
                    {
                        var withGrad = _model.parameters().Where(p => p.grad is not null).ToList();
                        gradNorm = torch.nn.utils.clip_grad_norm_(withGrad, Args.MaxGradNorm);
                    }
                    foreach (var group in _optimizer.Groups)
                    {
                        // LambdaLR: the step taken after k completed steps uses base_lr × λ(k).
                        group.LearningRate = group.BaseLearningRate * schedule.Factor(State.GlobalStep);
                    }
                    lr = _optimizer.Groups[0].LearningRate;
                    _optimizer.Step();
                    _optimizer.ZeroGrad();
                }

                lossSinceLog += stepLoss;
                lossThisRun += stepLoss;
                State.GlobalStep++;
                State.Epoch = epoch + (double)(groupStart + micro) / batches.Length;
                _callbacks.StepEnd(Args, State, Control);
                progressLog.Step(stepLoss, lr);
                MaybeLogSaveEvaluate(ref lossSinceLog, ref lastLoggedStep, gradNorm, lr, cancellationToken);
                if (Control.ShouldEpochStop || Control.ShouldTrainingStop) break;
            }
            _callbacks.EpochEnd(Args, State, Control);
            MaybeLogSaveEvaluate(ref lossSinceLog, ref lastLoggedStep, null, _optimizer.Groups[0].LearningRate, cancellationToken);
        }

        if (Args.LoadBestModelAtEnd && State.BestModelCheckpoint is string best && Directory.Exists(best))
        {
            _logger.LogInformation("Loading best model from {Checkpoint} (score: {Score})", best, State.BestMetric);
            CheckpointManager.LoadModelWeights(_model, best);
        }

        double seconds = clock.Elapsed.TotalSeconds;
        int stepsThisRun = State.GlobalStep - startStep;
        double trainLoss = stepsThisRun > 0 ? lossThisRun / stepsThisRun : 0;
        var metrics = new Dictionary<string, double>
        {
            ["train_runtime"] = Math.Round(seconds, 4),
            ["train_samples_per_second"] = Math.Round(stepsThisRun * Args.PerDeviceTrainBatchSize * gas / Math.Max(seconds, 1e-9), 3),
            ["train_steps_per_second"] = Math.Round(stepsThisRun / Math.Max(seconds, 1e-9), 3),
            ["train_loss"] = trainLoss,
        };
        Log(new Dictionary<string, double>(metrics));
        metrics["epoch"] = State.Epoch;
        _callbacks.TrainEnd(Args, State, Control);
        return new TrainOutput(State.GlobalStep, trainLoss, metrics);
    }

    /// <summary>One micro-batch: forward, loss ÷ micro-batches in this step, backward. Returns the scaled loss.</summary>
    private double ForwardBackward(IModelDataset ds, int[] indices, int microBatchesInStep)
    {
        using var scope = torch.NewDisposeScope();
        var examples = indices.Select(i => ds[i]).ToArray();
        var inputs = ToDevice(_collator.Collate(examples));
        var loss = ComputeLoss(inputs, indices); // Trainer.Loss.cs: the model's loss or LossFunction's
        var scaled = microBatchesInStep == 1 ? loss : loss / microBatchesInStep;
        scaled.backward();
        return scaled.item<float>(); // copied out before the scope frees the graph
    }

    private ModelInputs ToDevice(ModelInputs inputs) => _device.type == DeviceType.CPU
        ? inputs
        : inputs with
        {
            InputIds = inputs.InputIds.to(_device),
            AttentionMask = inputs.AttentionMask?.to(_device),
            TokenTypeIds = inputs.TokenTypeIds?.to(_device),
            Labels = inputs.Labels?.to(_device),
        };

    private void MaybeLogSaveEvaluate(ref double lossSinceLog, ref int lastLoggedStep, double? gradNorm, double lr, CancellationToken ct)
    {
        if (Control.ShouldLog && State.GlobalStep > lastLoggedStep)
        {
            // Mean training loss per optimizer step since the last log (HF logs tr_loss / steps since last log).
            var logs = new Dictionary<string, double> { ["loss"] = lossSinceLog / (State.GlobalStep - lastLoggedStep) };
            if (gradNorm is double g) logs["grad_norm"] = g;
            logs["learning_rate"] = lr;
            lossSinceLog = 0;
            lastLoggedStep = State.GlobalStep;
            Log(logs);
        }
        Control.ShouldLog = false;

        bool newBest = false;
        if (Control.ShouldEvaluate)
        {
            var metrics = Evaluate(cancellationToken: ct);
            newBest = UpdateBestMetric(metrics);
            if (Args.SaveStrategy == SaveStrategy.Best) Control.ShouldSave = newBest;
        }
        if (Control.ShouldSave)
        {
            SaveCheckpoint();
            _callbacks.Save(Args, State, Control);
        }
    }

    private bool UpdateBestMetric(IReadOnlyDictionary<string, double> metrics)
    {
        if (Args.EffectiveMetricForBestModel is not string name) return false;
        if (!name.StartsWith("eval_", StringComparison.Ordinal)) name = "eval_" + name;
        if (!metrics.TryGetValue(name, out double value))
            throw new KeyNotFoundException($"metric_for_best_model '{name}' is not among the evaluation metrics ({string.Join(", ", metrics.Keys)}).");
        bool better = State.BestMetric is not double best || (Args.EffectiveGreaterIsBetter ? value > best : value < best);
        if (better)
        {
            State.BestMetric = value;
            State.BestGlobalStep = State.GlobalStep;
        }
        return better;
    }

    /// <summary>Appends <paramref name="logs"/> (plus epoch and step) to the log history, logs it and raises <c>on_log</c>.</summary>
    private void Log(Dictionary<string, double> logs)
    {
        logs["epoch"] = State.Epoch;
        logs["step"] = State.GlobalStep;
        State.LogHistory.Add(logs);
        _logger.LogInformation("{Logs}", string.Join(", ", logs.Select(kv => $"{kv.Key}={kv.Value:G6}")));
        _callbacks.Log(Args, State, Control, logs);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer?.Dispose();
        _optimizer = null;
    }
}
