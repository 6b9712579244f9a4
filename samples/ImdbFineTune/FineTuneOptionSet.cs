using System.CommandLine;
using Spectre.Console;

namespace ImdbFineTune;

/// <summary>
/// The fine-tuning options shared by the root command and <c>pretrain-mlm</c> (whose second stage is the same job), so
/// both accept the same flags with the same meaning and defaults, and the preset merging lives in one place.
/// </summary>
internal sealed class FineTuneOptionSet
{
    private readonly Option<string> model = new("--model")
    {
        Description = "Hub id or local folder of a DistilBERT checkpoint (config.json, model.safetensors, vocab.txt).",
        DefaultValueFactory = _ => "distilbert-base-uncased",
    };
    private readonly Option<string?> data = new("--data")
    {
        Description = "An aclImdb folder or aclImdb_v1.tar.gz. Default: download the archive from Stanford into the cache (resumable).",
    };
    private readonly Option<string> output;
    private readonly Option<string> cacheDir = new("--cache-dir")
    {
        Description = "Folder for the downloaded and extracted dataset.",
        DefaultValueFactory = _ => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "distilbert-sharp"),
    };
    private readonly Option<string?> preset = new("--preset")
    {
        Description = "'full' = the seed's recipe (3 epochs, batch 16, warmup 10% of the steps, weight decay 0.01, lr 5e-5, 2 validation passes); "
                    + "'cpu' = a subset that finishes in under an hour on a laptop. Default: cpu without CUDA, full with it.",
    };
    private readonly Option<int?> epochs = new("--epochs") { Description = "Training epochs (overrides the preset)." };
    private readonly Option<int?> batchSize = new("--batch-size") { Description = "Per-device train and eval batch size." };
    private readonly Option<double?> learningRate = new("--learning-rate") { Description = "Peak learning rate of the linear schedule." };
    private readonly Option<double?> warmupSteps = new("--warmup-steps")
    {
        Description = "Linear warmup: a step count, or a fraction < 1 of the run's steps (HF v5). Default: the preset's 0.1.",
    };
    private readonly Option<int?> maxLength = new("--max-length") { Description = "Truncate reviews to this many tokens (with [CLS]/[SEP])." };
    private readonly Option<int?> maxTrain = new("--max-train-samples") { Description = "Use at most this many training reviews." };
    private readonly Option<int?> maxEval = new("--max-eval-samples") { Description = "Use at most this many validation reviews, and test reviews unless --max-test-samples is given." };
    private readonly Option<int?> maxTest = new("--max-test-samples") { Description = "Use at most this many test reviews (default: --max-eval-samples, else the preset's: all 25,000 for full, 5,000 for cpu)." };
    private readonly Option<int> seed = new("--seed") { Description = "Seed for the split, shuffling, dropout and head init.", DefaultValueFactory = _ => 42 };
    private readonly Option<bool> bf16 = new("--bf16") { Description = "Alias of --precision bf16." };
    private readonly Option<string> precision = new("--precision")
    {
        Description = "auto = bf16 mixed precision where the CPU runs it natively (AVX512_BF16/AMX), else fp32; fp32; "
                    + "bf16 = always (emulated, several times slower, on CPUs without AVX512_BF16).",
        DefaultValueFactory = _ => "auto",
    };
    private readonly Option<string> truncation = new("--truncation")
    {
        Description = "How to shorten long reviews: head (HF default), tail, or head+tail (Sun et al. 2019).",
        DefaultValueFactory = _ => "head",
    };
    private readonly Option<double?> layerwiseDecay = new("--layerwise-lr-decay")
    {
        Description = "Layer-wise learning-rate decay (Sun et al. 2019: 0.95): the head gets the base rate, each layer below a factor less.",
    };
    private readonly Option<string?> resume = new("--resume")
    {
        Description = "Continue an interrupted run: alone, from the latest checkpoint of --output (or of the latest runs/ folder when --output is not given); "
                    + "with a path, from that checkpoint-N folder or run folder (HF's resume_from_checkpoint).",
        Arity = ArgumentArity.ZeroOrOne,
    };
    private readonly Option<bool> overwriteOutputDir = new("--overwrite-output-dir")
    {
        Description = "Start over in an --output folder that already holds checkpoints (they are deleted). Without it, or --resume, such a folder is refused.",
    };
    private readonly Option<int?> saveSteps = new("--save-steps")
    {
        Description = "Evaluate and write a checkpoint every N optimizer steps (default: the preset's validation passes, spread over the run).",
    };
    private readonly Option<string?> trainFile = new("--train-file")
    {
        Description = "Your own data instead of IMDb: a .csv/.tsv (with a header row) or .jsonl file of labelled texts (HF run_glue.py's --train_file).",
    };
    private readonly Option<string?> validationFile = new("--validation-file")
    {
        Description = "Validation file (same format); default: 20% of --train-file, split with --seed.",
    };
    private readonly Option<string?> testFile = new("--test-file")
    {
        Description = "Test file (same format); default: the validation split is also reported as test.",
    };
    private readonly Option<string> textColumn = new("--text-column")
    {
        Description = "Column (CSV header) or key (JSON Lines) of the text in --train-file/--validation-file/--test-file.",
        DefaultValueFactory = _ => "text",
    };
    private readonly Option<string> labelColumn = new("--label-column")
    {
        Description = "Column or key of the label (names such as 'positive', or integer ids).",
        DefaultValueFactory = _ => "label",
    };
    private readonly string _outputPrefix;

    /// <param name="outputPrefix">Start of the default run-folder name under <c>runs/</c>.</param>
    public FineTuneOptionSet(string outputPrefix)
    {
        _outputPrefix = outputPrefix;
        output = new Option<string>("--output")
        {
            Description = "Where the fine-tuned model, tokenizer, metrics.json and the plot go.",
            DefaultValueFactory = _ => Path.Combine("runs", outputPrefix + "-" + DateTime.Now.ToString("yyyyMMdd-HHmmss")),
        };
        preset.AcceptOnlyFromAmong("full", "cpu");
        truncation.AcceptOnlyFromAmong("head", "tail", "head+tail");
        precision.AcceptOnlyFromAmong(SamplePrecision.Names);
    }

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (Option option in new Option[]
                 {
                     model, data, output, cacheDir, preset, epochs, batchSize, learningRate, warmupSteps, maxLength, maxTrain, maxEval, maxTest, seed,
                     bf16, precision, truncation, layerwiseDecay, resume, overwriteOutputDir, saveSteps, trainFile, validationFile, testFile, textColumn, labelColumn,
                 })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// Merges the preset with the explicit values (explicit always wins). Without <c>--preset</c> the recipe follows the
    /// hardware, and the choice is said on the console so a CPU user knows why the run is a subset.
    /// </summary>
    public SampleOptions Bind(ParseResult parsed)
    {
        bool cuda = TorchSharp.torch.cuda.is_available();
        Preset recipe = Preset.ByName(parsed.GetValue(preset) ?? (cuda ? "full" : "cpu"));
        if (parsed.GetValue(preset) is null)
        {
            AnsiConsole.MarkupLine(cuda
                ? "[grey]CUDA found: using the 'full' preset (the seed's recipe).[/]"
                : "[yellow]No CUDA device: using the 'cpu' preset (a subset that finishes in under an hour). Pass --preset full for the seed's recipe.[/]");
        }
        int runEpochs = parsed.GetValue(epochs) ?? recipe.Epochs;
        var requested = SamplePrecision.Parse(parsed.GetValue(precision), parsed.GetValue(bf16));
        var decision = SamplePrecision.DecideAndPrint(requested);
        // Paths are the user's: resolve them where the user is (scripts/run-imdb.sh passes that directory along).
        static string? Local(string? path) => path is null ? null : SamplePaths.Resolve(path);
        var (outputDir, resumeFrom) = ResolveOutput(parsed);
        return new SampleOptions
        {
            Model = SamplePaths.ResolveModel(parsed.GetValue(model)!),
            Data = Local(parsed.GetValue(data)),
            Output = outputDir,
            CacheDir = SamplePaths.Resolve(parsed.GetValue(cacheDir)!),
            Resume = resumeFrom,
            OverwriteOutputDir = parsed.GetValue(overwriteOutputDir),
            SaveSteps = parsed.GetValue(saveSteps),
            TrainFile = Local(parsed.GetValue(trainFile)),
            ValidationFile = Local(parsed.GetValue(validationFile)),
            TestFile = Local(parsed.GetValue(testFile)),
            TextColumn = parsed.GetValue(textColumn)!,
            LabelColumn = parsed.GetValue(labelColumn)!,
            CommandLine = ResumeCommand.Capture(parsed),
            Preset = recipe.Name,
            Epochs = runEpochs,
            BatchSize = parsed.GetValue(batchSize) ?? recipe.BatchSize,
            LearningRate = parsed.GetValue(learningRate) ?? recipe.LearningRate,
            // The presets' warmup is a share of the run (0.1), so it needs no scaling with --epochs.
            WarmupSteps = parsed.GetValue(warmupSteps) ?? recipe.WarmupSteps,
            Evaluations = recipe.Evaluations,
            WeightDecay = recipe.WeightDecay,
            MaxLength = parsed.GetValue(maxLength) ?? recipe.MaxLength,
            MaxTrainSamples = parsed.GetValue(maxTrain) ?? recipe.MaxTrainSamples,
            MaxEvalSamples = parsed.GetValue(maxEval) ?? recipe.MaxEvalSamples,
            MaxTestSamples = parsed.GetValue(maxTest) ?? parsed.GetValue(maxEval) ?? recipe.MaxTestSamples,
            Seed = parsed.GetValue(seed),
            Bf16 = decision.UseBf16,
            Precision = requested,
            Truncation = parsed.GetValue(truncation)!,
            LayerwiseLrDecay = parsed.GetValue(layerwiseDecay),
        };
    }

    /// <summary>
    /// The run folder and what to resume: <c>--resume</c> alone resumes <c>--output</c>, or, without <c>--output</c>, the
    /// latest <c>runs/&lt;prefix&gt;-*</c> folder with a checkpoint (the default folder name has a timestamp, so a plain
    /// rerun would otherwise start a new folder and orphan the checkpoints). <c>--resume &lt;path&gt;</c> also names the
    /// run folder when <c>--output</c> is not given. Resume value: null = no resume, "" = latest in the output folder.
    /// </summary>
    private (string Output, string? Resume) ResolveOutput(ParseResult parsed)
    {
        bool explicitOutput = parsed.GetResult(output) is { Implicit: false };
        string outputDir = SamplePaths.Resolve(parsed.GetValue(output)!);
        if (parsed.GetResult(resume) is null) return (outputDir, null);
        string? path = parsed.GetValue(resume);
        if (path is not null)
        {
            string checkpoint = SamplePaths.Resolve(path);
            string? run = RunFolder.RunOf(RunFolder.CheckpointIn(checkpoint) ?? checkpoint) ?? (Directory.Exists(RunFolder.CheckpointsOf(checkpoint)) ? checkpoint : null);
            return (explicitOutput || run is null ? outputDir : run, checkpoint);
        }
        if (explicitOutput) return (outputDir, "");
        string runs = Path.GetDirectoryName(outputDir)!;
        string latest = RunFolder.LatestRun(runs, _outputPrefix)
            ?? throw new ArgumentException($"--resume: no earlier run with a checkpoint in {runs}; pass --output <run folder> or --resume <checkpoint folder>.");
        AnsiConsole.MarkupLineInterpolated($"[grey]--resume: continuing the latest run, {latest}.[/]");
        return (latest, "");
    }
}
