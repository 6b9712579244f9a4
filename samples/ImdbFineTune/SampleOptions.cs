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
    public required int WarmupSteps { get; init; }
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
}

/// <summary>
/// The two recipes: <c>full</c> is the seed notebook's (HF Trainer on all of IMDb), <c>cpu</c> a subset that finishes
/// in under an hour on a laptop CPU. Explicit command-line values always win over the preset.
/// </summary>
internal sealed record Preset(string Name, int Epochs, int BatchSize, double LearningRate, int WarmupSteps,
    double WeightDecay, int MaxLength, int? MaxTrainSamples, int? MaxEvalSamples, int? MaxTestSamples, int Evaluations = 4)
{
    /// <summary>
    /// The seed's recipe: 3 epochs, batch 16, warmup 500, weight decay 0.01, lr 5e-5, full length. Two validation
    /// passes instead of four: on all 5,000 validation reviews each costs as much as ~1/8 of an epoch of training.
    /// </summary>
    public static readonly Preset Full = new("full", 3, 16, 5e-5, 500, 0.01, 512, null, null, null, Evaluations: 2);

    /// <summary>A CPU-sized subset: 4,000 train / 1,000 valid / 5,000 test reviews at 256 tokens, one epoch.</summary>
    public static readonly Preset Cpu = new("cpu", 1, 16, 5e-5, 25, 0.01, 256, 4000, 1000, 5000);

    public static Preset ByName(string name) => name switch
    {
        "full" => Full,
        "cpu" => Cpu,
        _ => throw new ArgumentException($"Unknown preset '{name}': use 'full' or 'cpu'."),
    };
}
