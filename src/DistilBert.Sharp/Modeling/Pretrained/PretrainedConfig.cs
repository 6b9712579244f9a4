using System.Text.Json.Nodes;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// What every model configuration shares (HF's <c>PretrainedConfig</c>): label names, problem type and the
/// <c>config.json</c> round trip. Model-specific sizes live in the derived classes.
/// </summary>
public abstract class PretrainedConfig
{
    /// <summary>HF's <c>model_type</c>, e.g. <c>distilbert</c> or <c>bert</c>.</summary>
    public abstract string ModelType { get; }

    /// <summary>
    /// Number of labels of a classification head (HF's <c>num_labels</c>, derived from <see cref="Id2Label"/>).
    /// Setting it to a different count replaces the label names with <c>LABEL_0</c> … as HF does.
    /// </summary>
    public int NumLabels
    {
        get => Id2Label.Count;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "num_labels must be at least 1.");
            if (value != Id2Label.Count) Id2Label = DefaultLabels(value);
        }
    }

    /// <summary>Label id → name (HF's <c>id2label</c>); defaults to <c>LABEL_0</c>, <c>LABEL_1</c>.</summary>
    public IReadOnlyDictionary<int, string> Id2Label { get; set; } =
        new Dictionary<int, string> { [0] = "LABEL_0", [1] = "LABEL_1" };

    /// <summary>Label name → id (HF's <c>label2id</c>), the inverse of <see cref="Id2Label"/>.</summary>
    public IReadOnlyDictionary<string, int> Label2Id => Id2Label.ToDictionary(kv => kv.Value, kv => kv.Key);

    /// <summary>
    /// HF's <c>problem_type</c>: <c>regression</c>, <c>single_label_classification</c>,
    /// <c>multi_label_classification</c>, or null to infer it from the labels.
    /// </summary>
    public string? ProblemType { get; set; }

    /// <summary>HF's <c>architectures</c>: the model classes this configuration was saved from (null when unknown).</summary>
    public IReadOnlyList<string>? Architectures { get; set; }

    /// <summary>Serialises the configuration as HF's <c>config.json</c> text.</summary>
    public abstract string ToJson();

    /// <summary>Checks every value; throws <see cref="ArgumentException"/> naming the offending key and value.</summary>
    public abstract void Validate();

    /// <summary>Writes <c>config.json</c> atomically (temporary file, then rename), so a crash never leaves half a file.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Validate();
        ConfigJson.WriteAtomically(path, ToJson());
    }

    /// <summary>Keys of <c>config.json</c> this class does not model, kept verbatim for the round trip.</summary>
    public IReadOnlyDictionary<string, JsonNode?> ExtraKeys => Extra.ToDictionary(kv => kv.Key, kv => kv.Value);

    /// <summary>The unmodelled keys; <see cref="ToJson"/> starts from a copy of them.</summary>
    private protected JsonObject Extra { get; set; } = new();

    /// <summary>A deep copy of this configuration, whatever its concrete type.</summary>
    internal PretrainedConfig CloneConfig() => CloneAs<PretrainedConfig>();

    /// <summary>A deep copy of this configuration (extras and label map included).</summary>
    private protected T CloneAs<T>() where T : PretrainedConfig
    {
        var copy = (T)MemberwiseClone();
        copy.Extra = (JsonObject)Extra.DeepClone();
        copy.Id2Label = new Dictionary<int, string>(Id2Label);
        copy.Architectures = Architectures?.ToArray();
        return copy;
    }

    /// <summary>The label map HF creates for <paramref name="count"/> labels: <c>LABEL_0</c> … <c>LABEL_{count-1}</c>.</summary>
    public static IReadOnlyDictionary<int, string> DefaultLabels(int count) =>
        Enumerable.Range(0, count).ToDictionary(i => i, i => $"LABEL_{i}");

    /// <summary>The problem types HF accepts for <c>problem_type</c>.</summary>
    public static IReadOnlyList<string> KnownProblemTypes { get; } =
        ["regression", "single_label_classification", "multi_label_classification"];
}
