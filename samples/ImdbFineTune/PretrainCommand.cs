using System.CommandLine;
using System.Diagnostics;
using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tokenization;
using DistilBert.Sharp.Training;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace ImdbFineTune;

/// <summary>
/// <c>pretrain-mlm</c>: Sun et al.'s recipe in two stages. (1) Further pre-train the encoder with masked LM on IMDb's
/// train + unsup reviews (never test), save that checkpoint; (2) fine-tune the classifier from it with the usual
/// <see cref="FineTuneJob"/>. Every step is a library call.
/// </summary>
internal static class PretrainCommand
{
    public static Command Create()
    {
        var mlmSteps = new Option<int>("--mlm-steps") { Description = "Optimizer steps of masked-LM pre-training.", DefaultValueFactory = _ => 2000 };
        var mlmTexts = new Option<int?>("--max-pretrain-texts") { Description = "Use at most this many train+unsup reviews for pre-training (seeded subset)." };
        var mlmLr = new Option<double>("--mlm-learning-rate") { Description = "Peak learning rate of pre-training.", DefaultValueFactory = _ => 5e-5 };
        var mlmProbability = new Option<double>("--mlm-probability") { Description = "Share of tokens to predict.", DefaultValueFactory = _ => 0.15 };
        // Both stages read the fine-tuning flags (model, data, batch size, max length, truncation, bf16, seed, ...).
        var fineTune = new FineTuneOptionSet("imdb-mlm");
        var command = new Command("pretrain-mlm", "Further pre-trains the encoder with masked LM on IMDb train+unsup text (Sun et al. 2019), then fine-tunes from that checkpoint.")
        {
            mlmSteps, mlmTexts, mlmLr, mlmProbability,
        };
        fineTune.AddTo(command);
        command.SetAction((ParseResult parsed, CancellationToken ct) => SampleCli.RunGuardedAsync(async () =>
        {
            SampleCli.PrepareRuntime();
            var options = fineTune.Bind(parsed);
            string pretrained = await PretrainAsync(options, parsed.GetValue(mlmSteps), parsed.GetValue(mlmTexts), parsed.GetValue(mlmLr),
                parsed.GetValue(mlmProbability), ct);
            // Stage 2: the ordinary fine-tuning job, starting from the further-pre-trained encoder.
            await new FineTuneJob(options with { Model = pretrained }).RunAsync(ct);
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
        // Only the loss matters while pre-training: project just the masked 15% onto the vocabulary (same loss, less work).
        mlm.ProjectOnlyLabeledTokensWhenTraining = true;
        using var collator = new DataCollatorForLanguageModeling(tokenizer, mlmProbability);
        var args = new TrainingArguments
        {
            OutputDir = Path.Combine(options.Output, "mlm-checkpoints"), MaxSteps = steps, PerDeviceTrainBatchSize = options.BatchSize,
            LearningRate = learningRate, WarmupRatio = 0.06, WeightDecay = 0.01, LoggingSteps = Math.Clamp(steps / 50, 1, 100),
            SaveStrategy = SaveStrategy.No, GroupByLength = true, Seed = options.Seed, Precision = options.Precision,
            Device = TorchSharp.torch.cuda.is_available() ? TorchSharp.torch.CUDA : TorchSharp.torch.CPU,
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
