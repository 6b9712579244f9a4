namespace DistilBert.Sharp.Data;

/// <summary>
/// One window of a question + context pair (a "feature" of HF <c>run_qa.py</c>): token ids of
/// <c>[CLS] question [SEP] context-window [SEP]</c>, and for training the token positions of the answer's first and
/// last token (both 0, the [CLS] index, when the answer is not inside this window or the question has none).
/// </summary>
/// <param name="InputIds">Token ids, unpadded.</param>
/// <param name="StartPosition">Token index of the answer start (training), or null.</param>
/// <param name="EndPosition">Token index of the answer end, inclusive (training), or null.</param>
public sealed record QuestionAnsweringFeature(int[] InputIds, int? StartPosition = null, int? EndPosition = null) : ModelExample(InputIds)
{
    /// <summary>Index of the question (example) this window belongs to (HF's <c>example_id</c> / <c>overflow_to_sample_mapping</c>).</summary>
    public int ExampleIndex { get; init; }

    /// <summary>
    /// For evaluation: each token's character range in the context, null for tokens outside the context (question,
    /// special tokens), as HF's <c>prepare_validation_features</c> sets them so post-processing skips them.
    /// </summary>
    public (int Start, int End)?[]? ContextOffsets { get; init; }
}
