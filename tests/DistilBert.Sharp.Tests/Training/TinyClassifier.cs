using System.Text.Json;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Training.Checkpointing;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Training;

/// <summary>Configuration of <see cref="TinyClassifier"/>.</summary>
internal sealed class TinyConfig : PretrainedConfig
{
    public override string ModelType => "tiny-test";
    public int VocabSize { get; init; } = 24;
    public int Dim { get; init; } = 8;
    public double Dropout { get; init; } = 0.1;

    public override void Validate()
    {
        if (VocabSize <= 0 || Dim <= 0) throw new ArgumentException($"vocab_size {VocabSize} and dim {Dim} must be positive.");
    }

    public override string ToJson() => JsonSerializer.Serialize(new
    {
        model_type = ModelType, vocab_size = VocabSize, dim = Dim, dropout = Dropout,
        num_labels = NumLabels, problem_type = ProblemType,
    });

    public static TinyConfig FromJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        int labels = r.GetProperty("num_labels").GetInt32();
        return new TinyConfig
        {
            VocabSize = r.GetProperty("vocab_size").GetInt32(), Dim = r.GetProperty("dim").GetInt32(),
            Dropout = r.GetProperty("dropout").GetDouble(),
            Id2Label = Enumerable.Range(0, labels).ToDictionary(i => i, i => $"LABEL_{i}"),
            ProblemType = r.TryGetProperty("problem_type", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null,
        };
    }
}

/// <summary>
/// A tiny test model with the same contract as the library's heads: embeddings → masked mean → LayerNorm → dropout →
/// linear classifier, cross-entropy (int64 labels) or MSE (float labels) loss. Parameter names mimic HF's
/// (<c>LayerNorm.weight</c>, <c>*.bias</c>) so that the weight-decay grouping is exercised.
/// </summary>
internal sealed class TinyClassifier : PreTrainedModel
{
    private readonly Embedding embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
    private readonly Linear classifier;
    private readonly TinyConfig _config;

    public TinyClassifier(TinyConfig config) : base(nameof(TinyClassifier))
    {
        _config = config;
        embeddings = nn.Embedding(config.VocabSize, config.Dim);
        LayerNorm = nn.LayerNorm(config.Dim);
        dropout = nn.Dropout(config.Dropout);
        classifier = nn.Linear(config.Dim, config.NumLabels);
        RegisterComponents();
    }

    public override PretrainedConfig Config => _config;

    public override ModelOutput forward(ModelInputs inputs)
    {
        var x = embeddings.forward(inputs.InputIds);
        var mask = (inputs.AttentionMask ?? ones_like(inputs.InputIds)).unsqueeze(-1).to(x.dtype);
        var pooled = (x * mask).sum(1) / mask.sum(1);
        var logits = classifier.forward(dropout.forward(LayerNorm.forward(pooled)));
        Tensor? loss = null;
        if (inputs.Labels is { } labels)
        {
            loss = labels.dtype == ScalarType.Int64
                ? nn.functional.cross_entropy(logits, labels)
                : nn.functional.mse_loss(logits.squeeze(-1), labels);
        }
        return new ModelOutput { Logits = logits, Loss = loss };
    }

    public override void SavePretrained(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "config.json"), _config.ToJson());
        StateTensorFile.Save(Path.Combine(directory, "model.safetensors"), state_dict());
    }

    public static TinyClassifier FromPretrained(string directory)
    {
        var model = new TinyClassifier(TinyConfig.FromJson(File.ReadAllText(Path.Combine(directory, "config.json"))));
        CheckpointManager.LoadModelWeights(model, directory);
        return model;
    }

    /// <summary>All parameters as flat float arrays, by name (for bit-exact comparisons).</summary>
    public Dictionary<string, float[]> Snapshot() =>
        named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray());
}
