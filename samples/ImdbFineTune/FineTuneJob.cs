using System.Diagnostics;
using System.Text.Json;
using DistilBert.Sharp.Data;
using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tokenization;
using DistilBert.Sharp.Training;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace ImdbFineTune;

/// <summary>
/// The workflow, top to bottom: data → 80/20 split → tokenizer → datasets → model → Trainer → test accuracy → saved
/// model, tokenizer, metrics.json and plot. Every step is a library call; this class only wires them and shows progress.
/// </summary>
internal sealed class FineTuneJob(SampleOptions options)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // The output folder's rules come first (a refused folder should not cost a download); the folder itself is
        // created only when there is something to write, and a failed run that wrote nothing leaves nothing behind.
        string? resumeFrom = RunFolder.Prepare(options);
        bool createdOutput = !Directory.Exists(options.Output);
        try
        {
            await RunCoreAsync(resumeFrom, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ReportInterruption();
            if (createdOutput) RunFolder.RemoveIfEmpty(options.Output);
            throw;
        }
        catch
        {
            if (createdOutput) RunFolder.RemoveIfEmpty(options.Output);
            throw;
        }
    }

    private async Task RunCoreAsync(string? resumeFrom, CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new SpectreLoggerProvider()).SetMinimumLevel(LogLevel.Information));
        PrintPlan();

        // 1. Data: IMDb (a folder, the archive, or a download into the cache) or the user's own files.
        var data = await SampleData.LoadAsync(options, loggerFactory, cancellationToken);
        var (train, valid, test) = (data.Train, data.Valid, data.Test);
        AnsiConsole.MarkupLine($"Reviews: [bold]{train.Count:N0}[/] train, [bold]{valid.Count:N0}[/] valid, [bold]{test.Count:N0}[/] test.");

        // 2. Tokenizer and datasets (truncated to --max-length; padding happens per batch in the collator).
        var tokenizer = DistilBertTokenizer.FromPretrained(options.Model);
        var encode = new EncodeOptions
        {
            Truncation = TruncationStrategy.LongestFirst,
            MaxLength = options.MaxLength,
            TruncationSide = ImdbSplits.ParseTruncation(options.Truncation),
        };
        var tokenizeClock = Stopwatch.StartNew();
        var trainSet = ConsoleProgress.Tokenize("Tokenizing train", tokenizer, train, encode, cancellationToken);
        var validSet = ConsoleProgress.Tokenize("Tokenizing valid", tokenizer, valid, encode, cancellationToken);
        var testSet = ConsoleProgress.Tokenize("Tokenizing test", tokenizer, test, encode, cancellationToken);
        AnsiConsole.MarkupLine($"Tokenized in {tokenizeClock.Elapsed.TotalSeconds:F1} s.");

        // 3. Model: the pretrained encoder with a fresh head, one output per label (reported as newly initialised, as in HF).
        TorchSharp.torch.manual_seed(options.Seed);
        using var model = DistilBertForSequenceClassification.FromPretrained(options.Model, new PretrainedOptions
        {
            Id2Label = data.LabelNames.Select((name, id) => (name, id)).ToDictionary(x => x.id, x => x.name),
            Logger = loggerFactory.CreateLogger("DistilBert.Sharp"),
        });

        // 4. Train with HF's recipe; evaluate on the validation split (the preset says how often) and keep the best model.
        int totalSteps = (int)Math.Ceiling(trainSet.Count / (double)options.BatchSize) * options.Epochs;
        int evalSteps = options.SaveSteps ?? Math.Max(1, (int)Math.Ceiling(totalSteps / (double)Math.Max(1, options.Evaluations)));
        var args = new TrainingArguments
        {
            OutputDir = RunFolder.CheckpointsOf(options.Output),
            NumTrainEpochs = options.Epochs,
            PerDeviceTrainBatchSize = options.BatchSize,
            PerDeviceEvalBatchSize = options.BatchSize * 2,
            LearningRate = options.LearningRate,
            WarmupSteps = options.WarmupSteps,
            WeightDecay = options.WeightDecay,
            // About 50 loss points and 4 validation points per run, whatever its size (for the plot and the ETA line).
            LoggingSteps = Math.Clamp(totalSteps / 50, 1, 100),
            EvalStrategy = IntervalStrategy.Steps,
            EvalSteps = evalSteps,
            SaveStrategy = SaveStrategy.Steps,
            SaveSteps = evalSteps,
            SaveTotalLimit = 1,
            LoadBestModelAtEnd = true,
            MetricForBestModel = "accuracy",
            GroupByLength = true,
            Seed = options.Seed,
            Precision = options.Precision,
            LayerwiseLrDecay = options.LayerwiseLrDecay,
            DisableTqdm = true, // the sample draws its own progress bar (below); a library user gets log lines instead
        };
        var history = new TrainingHistory();
        using var trainer = new Trainer(model, args, trainSet, validSet, new DataCollatorWithPadding(tokenizer.PadTokenId),
            ClassificationMetrics.Compute, callbacks: null, loggerFactory.CreateLogger<Trainer>()) { ProcessingClass = tokenizer };
        TrainOutput trainOutput = ConsoleProgress.Train(progress =>
        {
            trainer.AddCallback(new ProgressCallback(progress));
            return trainer.Train(resumeFromCheckpoint: resumeFrom, cancellationToken: cancellationToken);
        }, history.Add);

        // 5. Final scores: validation (best model) and the held-out test split.
        // The best model was restored from a checkpoint whose validation pass is in the log: reuse it instead of a second pass.
        var validMetrics = BestValidation(trainer)
                           ?? ConsoleProgress.Spin("Evaluating on validation", () => trainer.Evaluate(validSet, "valid", cancellationToken));
        var trainSubset = trainSet.Select(Enumerable.Range(0, Math.Min(trainSet.Count, 1000)).ToArray());
        var trainMetrics = new Dictionary<string, double>(
            ConsoleProgress.Spin("Evaluating on (a subset of) train", () => trainer.Predict(trainSubset, "train", cancellationToken)).Metrics)
        {
            ["train_samples_evaluated"] = trainSubset.Count,
        };
        var testClock = Stopwatch.StartNew();
        var testOutput = ConsoleProgress.Spin("Evaluating on test", () => trainer.Predict(testSet, "test", cancellationToken));
        testClock.Stop();

        // 6. Save in HF format, write the report and the plot, show a few predictions.
        string modelDir = trainer.SaveModel(Path.Combine(options.Output, "model")); // model + tokenizer (vocab.txt and tokenizer.json)
        var report = new RunReport(options, trainOutput.Metrics, trainMetrics, validMetrics, testOutput.Metrics, trainSet, testSet,
            testClock.Elapsed.TotalSeconds, wall.Elapsed.TotalSeconds);
        string metricsPath = Path.Combine(options.Output, "metrics.json");
        await File.WriteAllTextAsync(metricsPath, JsonSerializer.Serialize(report.ToDictionary(), new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        string plotPath = Path.Combine(options.Output, "training.png");
        TrainingPlot.Save(plotPath, history.TrainLoss, history.ValidAccuracy);

        report.Print();
        ShowExamples(model, tokenizer, test, data.LabelNames);
        AnsiConsole.MarkupLine($"Saved model + tokenizer to [bold]{modelDir}[/], metrics to [bold]{metricsPath}[/], plot to [bold]{plotPath}[/].");
    }

    /// <summary>The logged validation metrics of the restored best checkpoint as <c>valid_*</c>, or null when there is none.</summary>
    private static Dictionary<string, double>? BestValidation(Trainer trainer)
    {
        if (trainer.State.BestGlobalStep is not int best) return null;
        var entry = trainer.State.LogHistory.LastOrDefault(l => l.ContainsKey("eval_accuracy") && l.TryGetValue("step", out var s) && (int)s == best);
        return entry?.Where(kv => kv.Key.StartsWith("eval_", StringComparison.Ordinal))
            .ToDictionary(kv => "valid_" + kv.Key["eval_".Length..], kv => kv.Value);
    }

    private void PrintPlan() =>
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]IMDb fine-tuning[/] — model {options.Model}, preset {options.Preset}: {options.Epochs} epoch(s), batch {options.BatchSize}, lr {options.LearningRate:G}, max length {options.MaxLength}, truncation {options.Truncation}{(options.Bf16 ? ", bf16" : "")}{(options.LayerwiseLrDecay is double d ? $", layer-wise lr decay {d}" : "")}, seed {options.Seed}.");

    /// <summary>Says where the interrupted run's last checkpoint is and the exact command that resumes it.</summary>
    private void ReportInterruption()
    {
        string? last = Trainer.GetLastCheckpoint(RunFolder.CheckpointsOf(options.Output));
        if (last is null)
        {
            AnsiConsole.MarkupLine("[yellow]Stopped before the first checkpoint was written: nothing to resume, a rerun starts over.[/]");
            return;
        }
        string command = options.CommandLine is { } tokens
            ? ResumeCommand.Build(tokens, options.Output)
            : $"(the same command) --output {options.Output} --resume";
        // Plain lines, never wrapped by the console renderer, so the path and the command copy as they are.
        Console.WriteLine($"Stopped. The last checkpoint is {last}");
        Console.WriteLine("Resume with:");
        Console.WriteLine("  " + command);
    }

    private static void ShowExamples(PreTrainedModel model, DistilBertTokenizer tokenizer, IReadOnlyList<LabeledText> test, IReadOnlyList<string> labels)
    {
        var pipeline = new TextClassificationPipeline(model, tokenizer, new TextClassificationPipelineOptions { MaxLength = 256 });
        var samples = test.Where((_, i) => i % Math.Max(1, test.Count / 5) == 0).Take(5).ToList();
        var predictions = pipeline.PredictBatch(samples.Select(s => s.Text).ToList());
        var table = new Table().AddColumns("review", "truth", "prediction", "score");
        for (int i = 0; i < samples.Count; i++)
        {
            // IMDb has stray C1 control characters (mis-decoded Windows-1252 dashes) that break the console table's layout.
            string text = string.Concat(samples[i].Text.Replace("<br />", " ").Select(c => char.IsControl(c) ? ' ' : c));
            table.AddRow(Markup.Escape(text.Length > 90 ? text[..90] + "…" : text), Markup.Escape(labels[samples[i].Label]),
                Markup.Escape(predictions[i][0].Label), predictions[i][0].Score.ToString("F3"));
        }
        AnsiConsole.Write(table);
    }
}
