namespace DistilBert.Sharp.Inference;

/// <summary>One label's score for one text (HF pipeline's <c>{"label": ..., "score": ...}</c>).</summary>
/// <param name="Label">The label name from the model's <c>id2label</c>.</param>
/// <param name="LabelId">The label index.</param>
/// <param name="Score">Softmax probability (sigmoid for multi-label or one-label models, raw logit with <see cref="ScoreFunction.None"/>).</param>
public sealed record ClassificationResult(string Label, int LabelId, float Score);

/// <summary>How logits become scores (HF's <c>function_to_apply</c>).</summary>
public enum ScoreFunction
{
    /// <summary>Sigmoid for multi-label or single-output models, softmax otherwise (HF's default).</summary>
    Default = 0,
    /// <summary>Softmax over the labels.</summary>
    Softmax = 1,
    /// <summary>Independent sigmoid per label.</summary>
    Sigmoid = 2,
    /// <summary>Raw logits.</summary>
    None = 3,
}
