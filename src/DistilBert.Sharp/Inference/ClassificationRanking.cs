namespace DistilBert.Sharp.Inference;

/// <summary>
/// What every text-classification engine (TorchSharp here, ONNX Runtime in <c>DistilBert.Sharp.Onnx</c>) does the same
/// way: refuse null texts and unpaired pairs with the index named, and turn one row of scores into HF's ranked
/// <c>{label, score}</c> list. Shared so that both pipelines answer identically for the same scores.
/// </summary>
internal static class ClassificationRanking
{
    /// <summary>Throws <see cref="ArgumentNullException"/> naming the first null text.</summary>
    public static void ThrowIfAnyNull(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        for (int i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null) throw new ArgumentNullException(nameof(texts), $"Text {i} is null.");
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first text without a partner.</summary>
    public static void ThrowIfUnpaired(IReadOnlyList<string> texts, IReadOnlyList<string> textPairs)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(textPairs);
        if (texts.Count != textPairs.Count)
            throw new ArgumentException($"{texts.Count} texts but {textPairs.Count} text pairs; pair {Math.Min(texts.Count, textPairs.Count)} has no partner.", nameof(textPairs));
    }

    /// <summary>Labels best first (ties: lower id first), the top <paramref name="topK"/> or all; unnamed ids read <c>LABEL_i</c> as in HF.</summary>
    public static IReadOnlyList<ClassificationResult> Rank(float[] scores, IReadOnlyDictionary<int, string> id2Label, int? topK)
    {
        var all = scores.Select((s, id) => new ClassificationResult(id2Label.TryGetValue(id, out var name) ? name : $"LABEL_{id}", id, s));
        var ranked = all.OrderByDescending(r => r.Score).ThenBy(r => r.LabelId);
        return (topK is int k ? ranked.Take(k) : ranked).ToArray();
    }
}
