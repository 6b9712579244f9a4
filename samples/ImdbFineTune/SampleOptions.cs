namespace ImdbFineTune;

/// <summary>Everything the sample needs to run, after presets and explicit options are merged.</summary>
internal sealed record SampleOptions
{
    public required string Model { get; init; }
    public string? Data { get; init; }
    public required string Output { get; init; }
    public required string CacheDir { get; init; }
    public required string Preset { get; init; }
    public required int Epochs { get; init; }
    public required int BatchSize { get; init; }
    public required double LearningRate { get; init; }
    /// <summary>A step count (≥ 1) or a fraction of the run's steps (&lt; 1), as HF v5's <c>warmup_steps</c>.</summary>
    public required double WarmupSteps { get; init; }
    /// <summary>Validation passes during training (each also a checkpoint candidate for the best model).</summary>
    public int Evaluations { get; init; } = 4;
    public required double WeightDecay { get; init; }
    public required int MaxLength { get; init; }
    public int? MaxTrainSamples { get; init; }
    public int? MaxEvalSamples { get; init; }
    public int? MaxTestSamples { get; init; }
    public required int Seed { get; init; }
    /// <summary>Whether the run uses bf16 (the decision <see cref="SamplePrecision"/> made for <see cref="Precision"/>).</summary>
    public bool Bf16 { get; init; }
    public DistilBert.Sharp.Runtime.PrecisionMode Precision { get; init; } = DistilBert.Sharp.Runtime.PrecisionMode.Fp32;
    public string Truncation { get; init; } = "head";
    public double? LayerwiseLrDecay { get; init; }

    /// <summary>null: a new run; "": resume from the latest checkpoint of <see cref="Output"/>; else a checkpoint or run folder.</summary>
    public string? Resume { get; init; }
    public bool OverwriteOutputDir { get; init; }
    /// <summary>Evaluate and checkpoint every N steps; null = <see cref="Evaluations"/> times per run.</summary>
    public int? SaveSteps { get; init; }
    /// <summary>The user's own labelled data (CSV/TSV/JSON Lines) instead of IMDb; see <see cref="SampleData"/>.</summary>
    public string? TrainFile { get; init; }
    public string? ValidationFile { get; init; }
    public string? TestFile { get; init; }
    public string TextColumn { get; init; } = "text";
    public string LabelColumn { get; init; } = "label";
    /// <summary>The user's arguments, for the resume command printed on Ctrl-C; null when the command cannot resume.</summary>
    public IReadOnlyList<string>? CommandLine { get; init; }
}

/// <summary>
/// The two recipes: <c>full</c> is the seed notebook's (HF Trainer on all of IMDb), <c>cpu</c> a subset that finishes
/// in under an hour on a laptop CPU. Explicit command-line values always win over the preset.
/// </summary>
internal sealed record Preset(string Name, int Epochs, int BatchSize, double LearningRate, double WarmupSteps,
    double WeightDecay, int MaxLength, int? MaxTrainSamples, int? MaxEvalSamples, int? MaxTestSamples, int Evaluations = 4)
{
    // Warmup is a share of the run (HF v5's fractional warmup_steps), not a step count: a fixed count outlives short runs
    // (--max-train-samples 300 gives 19 steps, fewer than the old 25 warmup steps, and the model stayed at chance).

    /// <summary>
    /// The seed's recipe: 3 epochs, batch 16, weight decay 0.01, lr 5e-5, full length; warmup 10% of the steps (the seed's
    /// 500 steps were 13% of its 3,750). Two validation passes instead of four: on all 5,000 validation reviews each costs
    /// as much as ~1/8 of an epoch of training.
    /// </summary>
    public static readonly Preset Full = new("full", 3, 16, 5e-5, 0.1, 0.01, 512, null, null, null, Evaluations: 2);

    /// <summary>A CPU-sized subset: 4,000 train / 1,000 valid / 5,000 test reviews at 256 tokens, one epoch, warmup 10% (25 steps).</summary>
    public static readonly Preset Cpu = new("cpu", 1, 16, 5e-5, 0.1, 0.01, 256, 4000, 1000, 5000);

    public static Preset ByName(string name) => name switch
    {
        "full" => Full,
        "cpu" => Cpu,
        _ => throw new ArgumentException($"Unknown preset '{name}': use 'full' or 'cpu'."),
    };
}
