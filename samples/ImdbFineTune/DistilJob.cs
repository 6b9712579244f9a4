using System.Diagnostics;
using System.Text.Json;
using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tokenization;
using DistilBert.Sharp.Training;
using DistilBert.Sharp.Training.Distillation;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace ImdbFineTune;

/// <summary>
/// The <c>distil</c> workflow: the same IMDb subsets as the fine-tuning job → teacher → student (chosen layers) → two
/// trainings with the fine-tuning job's recipe (plain labels; distillation loss) → test accuracy and forward tokens/s of
/// teacher, student alone and distilled student, measured back to back in one phase → metrics.json and a table.
/// </summary>
internal sealed class DistilJob(SampleOptions options, DistilSettings settings)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new SpectreLoggerProvider()).SetMinimumLevel(LogLevel.Information));
        Directory.CreateDirectory(options.Output);
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]IMDb distillation[/] — teacher {options.Model}, T {settings.Temperature}, alpha {settings.Alpha}, cosine {settings.CosineWeight}, {(settings.OnlineTeacher ? "online" : "cached")} teacher; {options.Epochs} epoch(s), batch {options.BatchSize}, lr {options.LearningRate:G}, max length {options.MaxLength}, truncation {options.Truncation}{(options.Bf16 ? ", bf16" : "")}, seed {options.Seed}.");

        // 1. The same seeded subsets as the fine-tuning job, so every row sees the teacher's data and budget.
        string imdb = await ConsoleProgress.RunAsync("Preparing IMDb", (task, ct) =>
            ImdbDataset.EnsureAsync(options.Data, Path.Combine(options.CacheDir, "imdb"),
                new Progress<ImdbPreparationProgress>(p => ConsoleProgress.Update(task, p)), loggerFactory.CreateLogger("Imdb"), ct),
            cancellationToken);
        var (train, valid) = ImdbSplits.TrainValid(ImdbDataset.LoadSplit(imdb, "train", cancellationToken), options.Seed,
            options.MaxTrainSamples, options.MaxEvalSamples);
        var test = ImdbSplits.Subset(ImdbDataset.LoadSplit(imdb, "test", cancellationToken), options.Seed, options.MaxTestSamples);
        var tokenizer = DistilBertTokenizer.FromPretrained(options.Model);
        var encode = new EncodeOptions
        {
            Truncation = TruncationStrategy.LongestFirst, MaxLength = options.MaxLength, TruncationSide = ImdbSplits.ParseTruncation(options.Truncation),
        };
        var trainSet = ConsoleProgress.Tokenize("Tokenizing train", tokenizer, train, encode, cancellationToken);
        var validSet = ConsoleProgress.Tokenize("Tokenizing valid", tokenizer, valid, encode, cancellationToken);
        var testSet = ConsoleProgress.Tokenize("Tokenizing test", tokenizer, test, encode, cancellationToken);
        AnsiConsole.MarkupLine($"Reviews: [bold]{trainSet.Count:N0}[/] train, [bold]{validSet.Count:N0}[/] valid, [bold]{testSet.Count:N0}[/] test.");

        // 2. Teacher and student initialisation (an ordinary HF folder both student rows start from).
        using var teacher = AutoModelForSequenceClassification.FromPretrained(options.Model);
        using (var student = StudentInitializer.Create(teacher, settings.Layers))
        {
            student.SavePretrained(StudentInitDir);
            tokenizer.SavePretrained(StudentInitDir);
        }
        int studentLayers = settings.Layers?.Length ?? StudentInitializer.EveryOtherLayer(LayerCount(teacher.Config)).Count;
        AnsiConsole.MarkupLine($"Student: {studentLayers} of the teacher's {LayerCount(teacher.Config)} layers ({(settings.Layers is null ? "every other" : string.Join(",", settings.Layers))}), saved to [bold]{StudentInitDir}[/].");

        // 3. Row 2: the student fine-tuned alone (labels only). Row 3: the same, with the distillation loss.
        var collator = new DataCollatorWithPadding(tokenizer.PadTokenId);
        var alone = TrainStudent("student-alone", null, trainSet, validSet, collator, loggerFactory, cancellationToken);
        using var teacherSource = settings.OnlineTeacher ? null
            : ConsoleProgress.Spin("Teacher logits for the training set", () => TeacherLogitsCache.LoadOrCompute(
                Path.Combine(options.Output, "teacher-logits.safetensors"), teacher, trainSet, collator, options.BatchSize * 2, options.Bf16,
                loggerFactory.CreateLogger("Distillation"), cancellationToken));
        var loss = new DistillationLoss(teacherSource ?? (ITeacher)new OnlineTeacher(teacher, options.Bf16), settings.Temperature, settings.Alpha, settings.CosineWeight);
        var distilled = TrainStudent("student-distilled", loss, trainSet, validSet, collator, loggerFactory, cancellationToken);

        // 4. Test accuracy and forward speed, all three models measured in the same phase (two interleaved rounds, best
        //    of two: the machine's load then hits every model alike).
        using var aloneModel = AutoModelForSequenceClassification.FromPretrained(alone.Dir);
        using var distilledModel = AutoModelForSequenceClassification.FromPretrained(distilled.Dir);
        var rows = new[] { new Row("teacher", teacher), new Row("student-alone", aloneModel), new Row("student-distilled", distilledModel) };
        double tokens = testSet.Lengths().Sum(l => (double)l);
        for (int round = 0; round < 2; round++)
        {
            foreach (var row in rows)
            {
                var output = ConsoleProgress.Spin($"Test set, {row.Name} (round {round + 1}/2)", () => Predict(row.Model, testSet, collator, cancellationToken));
                row.Accuracy = output.Metrics["test_accuracy"];
                row.TokensPerSecond = Math.Max(row.TokensPerSecond, tokens / output.Metrics["test_runtime"]);
            }
        }
        await WriteReportAsync(rows, alone, distilled, trainSet.Count, testSet.Count, studentLayers, wall.Elapsed.TotalSeconds, cancellationToken);
    }

    private string StudentInitDir => Path.Combine(options.Output, "student-init");

    private sealed record TrainedStudent(string Dir, IReadOnlyDictionary<string, double> TrainMetrics, IReadOnlyDictionary<string, double> ValidMetrics);

    private sealed class Row(string name, PreTrainedModel model)
    {
        public string Name => name;
        public PreTrainedModel Model => model;
        public double Accuracy { get; set; }
        public double TokensPerSecond { get; set; }
    }

    /// <summary>The fine-tuning job's recipe (4 validations, best model kept) from the student folder, with <paramref name="loss"/> as the training loss.</summary>
    private TrainedStudent TrainStudent(string name, ITrainingLoss? loss, TextClassificationDataset trainSet, TextClassificationDataset validSet,
        IDataCollator collator, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLine($"[bold]{name}[/]");
        TorchSharp.torch.manual_seed(options.Seed);
        using var model = AutoModelForSequenceClassification.FromPretrained(StudentInitDir);
        int totalSteps = (int)Math.Ceiling(trainSet.Count / (double)options.BatchSize) * options.Epochs;
        int evalSteps = Math.Max(1, (int)Math.Ceiling(totalSteps / 4.0));
        var args = new TrainingArguments
        {
            OutputDir = Path.Combine(options.Output, name + "-checkpoints"), NumTrainEpochs = options.Epochs,
            PerDeviceTrainBatchSize = options.BatchSize, PerDeviceEvalBatchSize = options.BatchSize * 2, LearningRate = options.LearningRate,
            WarmupSteps = options.WarmupSteps, WeightDecay = options.WeightDecay, LoggingSteps = Math.Clamp(totalSteps / 50, 1, 100),
            EvalStrategy = IntervalStrategy.Steps, EvalSteps = evalSteps, SaveStrategy = SaveStrategy.Steps, SaveSteps = evalSteps,
            SaveTotalLimit = 1, LoadBestModelAtEnd = true, MetricForBestModel = "accuracy", GroupByLength = true,
            Seed = options.Seed, Precision = options.Precision, LayerwiseLrDecay = options.LayerwiseLrDecay,
        };
        using var trainer = new Trainer(model, args, trainSet, validSet, collator, ClassificationMetrics.Compute, callbacks: null,
            loggerFactory.CreateLogger<Trainer>()) { LossFunction = loss };
        var result = ConsoleProgress.Train(progress =>
        {
            trainer.AddCallback(new ProgressCallback(progress));
            return trainer.Train(cancellationToken: cancellationToken);
        });
        var validMetrics = trainer.Evaluate(validSet, "valid", cancellationToken);
        string dir = Path.Combine(options.Output, name);
        model.SavePretrained(dir);
        return new TrainedStudent(dir, result.Metrics, validMetrics);
    }

    private PredictionOutput Predict(PreTrainedModel model, TextClassificationDataset testSet, IDataCollator collator, CancellationToken cancellationToken)
    {
        var args = new TrainingArguments
        {
            OutputDir = Path.Combine(options.Output, "predict"), PerDeviceEvalBatchSize = options.BatchSize * 2, Precision = options.Precision,
        };
        using var trainer = new Trainer(model, args, dataCollator: collator, computeMetrics: ClassificationMetrics.Compute);
        return trainer.Predict(testSet, "test", cancellationToken);
    }

    private async Task WriteReportAsync(Row[] rows, TrainedStudent alone, TrainedStudent distilled, int trainCount, int testCount,
        int studentLayers, double wallSeconds, CancellationToken cancellationToken)
    {
        double teacherSpeed = rows[0].TokensPerSecond;
        var report = new Dictionary<string, object>
        {
            ["teacher"] = options.Model, ["student_layers"] = studentLayers,
            ["temperature"] = settings.Temperature, ["alpha"] = settings.Alpha, ["cosine_weight"] = settings.CosineWeight,
            ["teacher_source"] = settings.OnlineTeacher ? "online" : "cached logits",
            ["epochs"] = options.Epochs, ["batch_size"] = options.BatchSize, ["learning_rate"] = options.LearningRate,
            ["max_length"] = options.MaxLength, ["truncation"] = options.Truncation, ["bf16"] = options.Bf16, ["seed"] = options.Seed,
            ["train_samples"] = trainCount, ["test_samples"] = testCount,
            ["student_alone_train_runtime_seconds"] = alone.TrainMetrics.GetValueOrDefault("train_runtime"),
            ["student_alone_valid_accuracy"] = alone.ValidMetrics.GetValueOrDefault("valid_accuracy"),
            ["student_distilled_train_runtime_seconds"] = distilled.TrainMetrics.GetValueOrDefault("train_runtime"),
            ["student_distilled_valid_accuracy"] = distilled.ValidMetrics.GetValueOrDefault("valid_accuracy"),
            ["wall_time_seconds"] = wallSeconds,
        };
        var table = new Table().AddColumns("model", "test accuracy", "forward tokens/s", "speed vs teacher");
        foreach (var row in rows)
        {
            string key = row.Name.Replace('-', '_');
            report[$"{key}_test_accuracy"] = row.Accuracy;
            report[$"{key}_test_tokens_per_second"] = row.TokensPerSecond;
            report[$"{key}_speedup"] = row.TokensPerSecond / teacherSpeed;
            table.AddRow(row.Name, row.Accuracy.ToString("P2"), row.TokensPerSecond.ToString("N0"), $"{row.TokensPerSecond / teacherSpeed:F2}×");
        }
        string path = Path.Combine(options.Output, "metrics.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Students in [bold]{alone.Dir}[/] and [bold]{distilled.Dir}[/], metrics in [bold]{path}[/].");
    }

    private static int LayerCount(PretrainedConfig config) => config switch
    {
        DistilBertConfig d => d.NLayers,
        BertConfig b => b.NumHiddenLayers,
        _ => 0,
    };
}
