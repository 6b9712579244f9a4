using System.CommandLine;
using DistilBert.Sharp.Runtime;
using Spectre.Console;

namespace ImdbFineTune;

/// <summary>
/// The IMDb fine-tuning sample's command line: the seed notebook (HF DistilBertTokenizerFast +
/// DistilBertForSequenceClassification + Trainer on aclImdb) re-created in C#. This class only parses options;
/// <see cref="FineTuneJob"/> does the work.
/// </summary>
internal static class SampleCli
{
    public static Task<int> RunAsync(string[] args) => Build().Parse(args).InvokeAsync();

    public static RootCommand Build()
    {
        var model = new Option<string>("--model")
        {
            Description = "Hub id or local folder of a DistilBERT checkpoint (config.json, model.safetensors, vocab.txt).",
            DefaultValueFactory = _ => "distilbert-base-uncased",
        };
        var data = new Option<string?>("--data")
        {
            Description = "An aclImdb folder or aclImdb_v1.tar.gz. Default: download the archive from Stanford into the cache (resumable).",
        };
        var output = new Option<string>("--output")
        {
            Description = "Where the fine-tuned model, tokenizer, metrics.json and the plot go.",
            DefaultValueFactory = _ => Path.Combine("runs", "imdb-" + DateTime.Now.ToString("yyyyMMdd-HHmmss")),
        };
        var cacheDir = new Option<string>("--cache-dir")
        {
            Description = "Folder for the downloaded and extracted dataset.",
            DefaultValueFactory = _ => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "distilbert-sharp"),
        };
        var preset = new Option<string?>("--preset")
        {
            Description = "'full' = the seed's recipe (3 epochs, batch 16, warmup 500, weight decay 0.01, lr 5e-5); "
                        + "'cpu' = a subset that finishes in under an hour on a laptop. Default: cpu without CUDA, full with it.",
        };
        preset.AcceptOnlyFromAmong("full", "cpu");
        var epochs = new Option<int?>("--epochs") { Description = "Training epochs (overrides the preset)." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Per-device train and eval batch size." };
        var learningRate = new Option<double?>("--learning-rate") { Description = "Peak learning rate of the linear schedule." };
        var maxLength = new Option<int?>("--max-length") { Description = "Truncate reviews to this many tokens (with [CLS]/[SEP])." };
        var maxTrain = new Option<int?>("--max-train-samples") { Description = "Use at most this many training reviews." };
        var maxEval = new Option<int?>("--max-eval-samples") { Description = "Use at most this many validation reviews, and test reviews unless --max-test-samples is given." };
        var maxTest = new Option<int?>("--max-test-samples") { Description = "Use at most this many test reviews (default: --max-eval-samples, else the preset's: all 25,000 for full, 5,000 for cpu)." };
        var seed = new Option<int>("--seed") { Description = "Seed for the split, shuffling, dropout and head init.", DefaultValueFactory = _ => 42 };
        var bf16 = new Option<bool>("--bf16") { Description = "bf16 mixed precision (fp32 master weights)." };
        var truncation = new Option<string>("--truncation")
        {
            Description = "How to shorten long reviews: head (HF default), tail, or head+tail (Sun et al. 2019).",
            DefaultValueFactory = _ => "head",
        };
        truncation.AcceptOnlyFromAmong("head", "tail", "head+tail");
        var layerwiseDecay = new Option<double?>("--layerwise-lr-decay")
        {
            Description = "Layer-wise learning-rate decay (Sun et al. 2019: 0.95): the head gets the base rate, each layer below a factor less.",
        };

        var root = new RootCommand("Fine-tunes DistilBERT on the IMDb movie-review sentiment dataset and reports test accuracy.")
        {
            model, data, output, cacheDir, preset, epochs, batchSize, learningRate, maxLength, maxTrain, maxEval, maxTest, seed, bf16, truncation, layerwiseDecay,
        };

        root.SetAction((ParseResult parsed, CancellationToken cancellationToken) => RunGuardedAsync(async () =>
        {
            TorchRuntime.EnsureLoaded();
            bool cuda = TorchSharp.torch.cuda.is_available();
            string presetName = parsed.GetValue(preset) ?? (cuda ? "full" : "cpu");
            Preset recipe = Preset.ByName(presetName);
            if (parsed.GetValue(preset) is null)
            {
                AnsiConsole.MarkupLine(cuda
                    ? "[grey]CUDA found: using the 'full' preset (the seed's recipe).[/]"
                    : "[yellow]No CUDA device: using the 'cpu' preset (a subset that finishes in under an hour). Pass --preset full for the seed's recipe.[/]");
            }
            var options = new SampleOptions
            {
                Model = parsed.GetValue(model)!,
                Data = parsed.GetValue(data),
                Output = parsed.GetValue(output)!,
                CacheDir = parsed.GetValue(cacheDir)!,
                Preset = recipe.Name,
                Epochs = parsed.GetValue(epochs) ?? recipe.Epochs,
                BatchSize = parsed.GetValue(batchSize) ?? recipe.BatchSize,
                LearningRate = parsed.GetValue(learningRate) ?? recipe.LearningRate,
                WarmupSteps = recipe.WarmupSteps,
                WeightDecay = recipe.WeightDecay,
                MaxLength = parsed.GetValue(maxLength) ?? recipe.MaxLength,
                MaxTrainSamples = parsed.GetValue(maxTrain) ?? recipe.MaxTrainSamples,
                MaxEvalSamples = parsed.GetValue(maxEval) ?? recipe.MaxEvalSamples,
                MaxTestSamples = parsed.GetValue(maxTest) ?? parsed.GetValue(maxEval) ?? recipe.MaxTestSamples,
                Seed = parsed.GetValue(seed),
                Bf16 = parsed.GetValue(bf16),
                Truncation = parsed.GetValue(truncation)!,
                LayerwiseLrDecay = parsed.GetValue(layerwiseDecay),
            };
            await new FineTuneJob(options).RunAsync(cancellationToken);
        }));

        root.Subcommands.Add(PretrainCommand.Create());
        return root;
    }

    /// <summary>
    /// Runs a command's work and maps the outcome to an exit code: 0 done, 130 cancelled, 1 for a failure the user can
    /// fix (a wrong path, a corrupt file: one clear line, no stack trace). Anything else is a bug and keeps its trace.
    /// </summary>
    public static async Task<int> RunGuardedAsync(Func<Task> work)
    {
        try
        {
            await work();
            return 0;
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]Cancelled.[/]");
            return 130;
        }
        catch (Exception ex) when (UserFacingError.IsExpected(ex))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {UserFacingError.Describe(ex)}");
            return 1;
        }
    }
}
