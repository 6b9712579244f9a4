namespace DistilBert.Sharp.Data;

/// <summary>
/// One tokenized token-classification example (a row of HF <c>run_ner.py</c>'s tokenized dataset): token ids and one
/// label id per token, −100 where the loss ignores the token (special tokens, and sub-words after a word's first
/// unless <c>label_all_tokens</c>).
/// </summary>
/// <param name="InputIds">Token ids with [CLS]/[SEP], unpadded.</param>
/// <param name="Labels">A label id per token (−100 = ignored), or null for prediction.</param>
public sealed record TokenClassificationExample(int[] InputIds, long[]? Labels = null) : ModelExample(InputIds)
{
    /// <summary>The label value the loss ignores (PyTorch's <c>ignore_index</c>).</summary>
    public const long IgnoreIndex = -100;
}
