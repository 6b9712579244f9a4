namespace DistilBert.Sharp.Modeling;

/// <summary>
/// What every model configuration shares (HF's <c>PretrainedConfig</c>): label names, problem type and the
/// <c>config.json</c> round trip. Model-specific sizes live in the derived classes.
/// </summary>
public abstract class PretrainedConfig
{
    /// <summary>HF's <c>model_type</c>, e.g. <c>distilbert</c> or <c>bert</c>.</summary>
    public abstract string ModelType { get; }

    /// <summary>Number of labels of a classification head (HF's <c>num_labels</c>, derived from <see cref="Id2Label"/>).</summary>
    public int NumLabels => Id2Label.Count;

    /// <summary>Label id → name (HF's <c>id2label</c>); defaults to <c>LABEL_0</c>, <c>LABEL_1</c>.</summary>
    public IReadOnlyDictionary<int, string> Id2Label { get; set; } =
        new Dictionary<int, string> { [0] = "LABEL_0", [1] = "LABEL_1" };

    /// <summary>
    /// HF's <c>problem_type</c>: <c>regression</c>, <c>single_label_classification</c>,
    /// <c>multi_label_classification</c>, or null to infer it from the labels.
    /// </summary>
    public string? ProblemType { get; set; }

    /// <summary>Serialises the configuration as HF's <c>config.json</c> text.</summary>
    public abstract string ToJson();
}
