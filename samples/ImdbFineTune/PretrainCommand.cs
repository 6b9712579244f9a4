using System.CommandLine;
using System.Diagnostics;
using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Tokenization;
using DistilBert.Sharp.Training;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace ImdbFineTune;

/// <summary>
/// <c>pretrain-mlm</c>: Sun et al.'s recipe in two stages. (1) Further pre-train the encoder with masked LM on IMDb's
/// train + unsup reviews (never test), save that checkpoint; (2) fine-tune the classifier from it with the usual
/// <see cref="FineTuneJob"/>. Every step is a library call. Add to Program.cs with
/// <c>root.Subcommands.Add(PretrainCommand.Create());</c>.
/// </summary>
internal static class PretrainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Hub id or folder of the DistilBERT checkpoint to start from.", DefaultValueFactory = _ => "distilbert-base-uncased" };
        var data = new Option<string?>("--data") { Description = "An aclImdb folder (with train/unsup) or aclImdb_v1.tar.gz. Default: download into the cache." };
        var output = new Option<string>("--output") { Description = "Run folder: mlm/ (the further-pre-trained checkpoint) and the fine-tuning outputs.", DefaultValueFactory = _ => Path.Combine("runs", "imdb-mlm-" + DateTime.Now.ToString("yyyyMMdd-HHmmss")) };
        var cacheDir = new Option<string>("--cache-dir") { Description = "Folder for the downloaded and extracted dataset.", DefaultValueFactory = _ => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "distilbert-sharp") };
        var mlmSteps = new Option<int>("--mlm-steps") { Description = "Optimizer steps of masked-LM pre-training.", DefaultValueFactory = _ => 2000 };
        var mlmTexts = new Option<int?>("--max-pretrain-texts") { Description = "Use at most this many train+unsup reviews for pre-training (seeded subset)." };
        var mlmLr = new Option<double>("--mlm-learning-rate") { Description = "Peak learning rate of pre-training.", DefaultValueFactory = _ => 5e-5 };
        var mlmProbability = new Option<double>("--mlm-probability") { Description = "Share of tokens to predict.", DefaultValueFactory = _ => 0.15 };
        var preset = new Option<string>("--preset") { Description = "Fine-tuning recipe after pre-training: 'cpu' or 'full'.", DefaultValueFactory = _ => "cpu" };
        preset.AcceptOnlyFromAmong("full", "cpu");
        var batchSize = new Option<int?>("--batch-size") { Description = "Batch size of both stages (default: the preset's)." };
        var maxLength = new Option<int?>("--max-length") { Description = "Tokens per review in both stages (default: the preset's)." };
        var maxTrain = new Option<int?>("--max-train-samples") { Description = "Fine-tuning train reviews (default: the preset's)." };
        var maxTest = new Option<int?>("--max-test-samples") { Description = "Test reviews (default: the preset's)." };
        var truncation = new Option<string>("--truncation") { Description = "head, tail or head+tail, in both stages.", DefaultValueFactory = _ => "head" };
        truncation.AcceptOnlyFromAmong("head", "tail", "head+tail");
        var seed = new Option<int>("--seed") { Description = "Seed of both stages.", DefaultValueFactory = _ => 42 };

        var command = new Command("pretrain-mlm", "Further pre-trains the encoder with masked LM on IMDb train+unsup text (Sun et al. 2019), then fine-tunes from that checkpoint.")
        {
            model, data, output, cacheDir, mlmSteps, mlmTexts, mlmLr, mlmProbability, preset, batchSize, maxLength, maxTrain, maxTest, truncation, seed,
        };
        command.SetAction((ParseResult parsed, CancellationToken ct) => SampleCli.RunGuardedAsync(async () =>
        {
            TorchRuntime.EnsureLoaded();
            var recipe = Preset.ByName(parsed.GetValue(preset)!);
            var fineTune = new SampleOptions
            {
                Model = parsed.GetValue(model)!, Data = parsed.GetValue(data), Output = parsed.GetValue(output)!,
                CacheDir = parsed.GetValue(cacheDir)!, Preset = recipe.Name, Epochs = recipe.Epochs,
                BatchSize = parsed.GetValue(batchSize) ?? recipe.BatchSize, LearningRate = recipe.LearningRate,
                WarmupSteps = recipe.WarmupSteps, WeightDecay = recipe.WeightDecay, MaxLength = parsed.GetValue(maxLength) ?? recipe.MaxLength,
                MaxTrainSamples = parsed.GetValue(maxTrain) ?? recipe.MaxTrainSamples, MaxEvalSamples = recipe.MaxEvalSamples,
                MaxTestSamples = parsed.GetValue(maxTest) ?? recipe.MaxTestSamples, Seed = parsed.GetValue(seed),
                Truncation = parsed.GetValue(truncation)!,
            };
            string pretrained = await PretrainAsync(fineTune, parsed.GetValue(mlmSteps), parsed.GetValue(mlmTexts), parsed.GetValue(mlmLr),
                parsed.GetValue(mlmProbability), ct);
            // Stage 2: the ordinary fine-tuning job, starting from the further-pre-trained encoder.
            await new FineTuneJob(fineTune with { Model = pretrained }).RunAsync(ct);
        }));
        return command;
    }

    /// <summary>Stage 1: masked-LM training of <c>options.Model</c> on train+unsup reviews; returns the saved checkpoint folder.</summary>
    internal static async Task<string> PretrainAsync(SampleOptions options, int steps, int? maxTexts, double learningRate, double mlmProbability,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new SpectreLoggerProvider()).SetMinimumLevel(LogLevel.Information));
        var imdbOptions = new ImdbOptions { IncludeUnsupervisedAndExtras = true, Logger = loggerFactory.CreateLogger("Imdb") };
        string imdb = await ConsoleProgress.RunAsync("Preparing IMDb (with unsup)", (task, ct) =>
        {
            imdbOptions.Progress = new Progress<ImdbPreparationProgress>(p => ConsoleProgress.Update(task, p));
            return ImdbDataset.EnsureAsync(options.Data, Path.Combine(options.CacheDir, "imdb"), imdbOptions, ct);
        }, cancellationToken);
        var texts = ImdbSplits.Subset(ImdbPretrainingTexts.Load(imdb, includeUnsupervised: true, cancellationToken), options.Seed, maxTexts);
        AnsiConsole.MarkupLine($"Masked-LM pre-training on [bold]{texts.Count:N0}[/] train+unsup reviews, {steps} steps.");

        var tokenizer = DistilBertTokenizer.FromPretrained(options.Model);
        var encode = new EncodeOptions
        {
            Truncation = TruncationStrategy.LongestFirst, MaxLength = options.MaxLength, TruncationSide = ImdbSplits.ParseTruncation(options.Truncation),
        };
        var corpus = ConsoleProgress.Tokenize("Tokenizing pre-training text", tokenizer, texts, encode, cancellationToken).WithoutLabels();

        TorchSharp.torch.manual_seed(options.Seed);
        using var mlm = DistilBertForMaskedLM.FromPretrained(options.Model);
        using var collator = new DataCollatorForLanguageModeling(tokenizer, mlmProbability);
        var args = new TrainingArguments
        {
            OutputDir = Path.Combine(options.Output, "mlm-checkpoints"), MaxSteps = steps, PerDeviceTrainBatchSize = options.BatchSize,
            LearningRate = learningRate, WarmupRatio = 0.06, WeightDecay = 0.01, LoggingSteps = Math.Clamp(steps / 50, 1, 100),
            SaveStrategy = SaveStrategy.No, GroupByLength = true, Seed = options.Seed,
            Device = TorchSharp.torch.cuda.is_available() ? "cuda" : "cpu",
        };
        using var trainer = new Trainer(mlm, args, corpus, dataCollator: collator, logger: loggerFactory.CreateLogger<Trainer>());
        var result = ConsoleProgress.Train(progress =>
        {
            trainer.AddCallback(new ProgressCallback(progress));
            return trainer.Train(cancellationToken: cancellationToken);
        });

        string dir = Path.Combine(options.Output, "mlm");
        mlm.SavePretrained(dir);
        tokenizer.SavePretrained(dir);
        AnsiConsole.MarkupLine($"Pre-training done in {clock.Elapsed.TotalMinutes:F1} min (train loss {result.TrainingLoss:F4}); checkpoint in [bold]{dir}[/].");
        return dir;
    }
}
