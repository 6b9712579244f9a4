using DistilBert.Sharp.Data;

namespace DistilBert.Sharp.Training.Metrics;

/// <summary>Settings of <see cref="QuestionAnsweringPostProcessor"/>, with HF <c>utils_qa.py</c>'s names and defaults.</summary>
public sealed record QuestionAnsweringPostProcessingOptions
{
    /// <summary>Best start and end indices tried per feature, and answers kept per example (HF <c>n_best_size</c>, 20).</summary>
    public int NBestSize { get; init; } = 20;

    /// <summary>Longest answer in tokens (HF <c>max_answer_length</c>, 30).</summary>
    public int MaxAnswerLength { get; init; } = 30;

    /// <summary>SQuAD v2: questions may have no answer, and the null answer competes (HF <c>version_2_with_negative</c>).</summary>
    public bool Version2WithNegative { get; init; }

    /// <summary>v2: answer "" when null score − best span score exceeds this (HF <c>null_score_diff_threshold</c>, 0).</summary>
    public double NullScoreDiffThreshold { get; init; }
}

/// <summary>
/// What post-processing needs from one feature's logits: the n best start and end indices with their logits, and
/// the [CLS] logits. A few dozen numbers instead of two rows of sequence length, so evaluation keeps only these.
/// </summary>
public sealed record FeatureCandidates((int Index, float Logit)[] Starts, (int Index, float Logit)[] Ends, float NullStartLogit, float NullEndLogit)
{
    /// <summary>Keeps the <paramref name="nBest"/> largest start and end logits (HF's <c>np.argsort(...)[-1:-n-1:-1]</c>).</summary>
    public static FeatureCandidates FromLogits(ReadOnlySpan<float> startLogits, ReadOnlySpan<float> endLogits, int nBest) =>
        new(Top(startLogits, nBest), Top(endLogits, nBest), startLogits[0], endLogits[0]);

    private static (int, float)[] Top(ReadOnlySpan<float> logits, int n)
    {
        var all = new (int Index, float Logit)[logits.Length];
        for (int i = 0; i < all.Length; i++) all[i] = (i, logits[i]);
        // Descending logit; ties: the higher index first, as reversing numpy's ascending argsort gives.
        return all.OrderByDescending(p => p.Logit).ThenByDescending(p => p.Index).Take(n).ToArray();
    }
}

/// <summary>
/// HF <c>utils_qa.py</c>'s <c>postprocess_qa_predictions</c>: for each example, every pair of n-best start and end
/// tokens over all its windows that lies in the context, ends after it starts and spans at most
/// <see cref="QuestionAnsweringPostProcessingOptions.MaxAnswerLength"/> tokens is a candidate scored start + end logit;
/// the best n are kept and given softmax probabilities. With v2 the lowest [CLS] score over the windows is the null
/// answer, chosen when it beats the best span by more than the threshold.
/// </summary>
public static class QuestionAnsweringPostProcessor
{
    /// <summary>Post-processes full logits (one row per feature of <paramref name="features"/>).</summary>
    public static IReadOnlyList<QuestionAnsweringPrediction> Process(QuestionAnsweringDataset features, IReadOnlyList<float[]> startLogits,
        IReadOnlyList<float[]> endLogits, QuestionAnsweringPostProcessingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(startLogits);
        ArgumentNullException.ThrowIfNull(endLogits);
        options ??= new QuestionAnsweringPostProcessingOptions();
        if (startLogits.Count != features.Count || endLogits.Count != features.Count)
            throw new ArgumentException($"{features.Count} features but {startLogits.Count} start and {endLogits.Count} end logit rows.");
        var candidates = new FeatureCandidates[features.Count];
        for (int f = 0; f < candidates.Length; f++) candidates[f] = FeatureCandidates.FromLogits(startLogits[f], endLogits[f], options.NBestSize);
        return Process(features, candidates, options);
    }

    /// <summary>Post-processes the kept candidates of every feature (as <see cref="SquadMetric"/> collects them).</summary>
    /// <exception cref="ArgumentException">A feature has no candidates.</exception>
    public static IReadOnlyList<QuestionAnsweringPrediction> Process(QuestionAnsweringDataset features, IReadOnlyList<FeatureCandidates?> candidates,
        QuestionAnsweringPostProcessingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(candidates);
        options ??= new QuestionAnsweringPostProcessingOptions();
        var byExample = new List<int>[features.Examples.Count];
        for (int f = 0; f < features.Count; f++) (byExample[features[f].ExampleIndex] ??= []).Add(f);
        var results = new QuestionAnsweringPrediction[features.Examples.Count];
        for (int e = 0; e < results.Length; e++)
            results[e] = ProcessExample(features, features.Examples[e], byExample[e] ?? [], candidates, options);
        return results;
    }

    private static QuestionAnsweringPrediction ProcessExample(QuestionAnsweringDataset features, QuestionAnsweringExample example,
        List<int> featureIndices, IReadOnlyList<FeatureCandidates?> candidates, QuestionAnsweringPostProcessingOptions options)
    {
        var prelim = new List<(int Start, int End, float Score, float StartLogit, float EndLogit, bool IsNull)>();
        (int, int, float Score, float, float, bool)? minNull = null;
        foreach (int f in featureIndices)
        {
            var c = candidates[f] ?? throw new ArgumentException($"Feature {f} (example {example.Id}) has no logits.", nameof(candidates));
            var offsets = features[f].ContextOffsets ?? throw new ArgumentException($"Feature {f} has no context offsets.", nameof(features));
            float nullScore = c.NullStartLogit + c.NullEndLogit;
            if (minNull is null || minNull.Value.Score > nullScore) minNull = (0, 0, nullScore, c.NullStartLogit, c.NullEndLogit, true);
            foreach (var (start, startLogit) in c.Starts)
            foreach (var (end, endLogit) in c.Ends)
            {
                if (start >= offsets.Length || end >= offsets.Length || offsets[start] is null || offsets[end] is null) continue;
                if (end < start || end - start + 1 > options.MaxAnswerLength) continue;
                prelim.Add((offsets[start]!.Value.Start, offsets[end]!.Value.End, startLogit + endLogit, startLogit, endLogit, false));
            }
        }
        if (options.Version2WithNegative && minNull is { } n) prelim.Add(n);
        // Stable sort by score, best first (Python's sorted(..., reverse=True) keeps ties in insertion order).
        var best = prelim.Select((p, i) => (p, i)).OrderByDescending(x => x.p.Score).ThenBy(x => x.i).Select(x => x.p).Take(options.NBestSize).ToList();
        if (options.Version2WithNegative && minNull is { } keep && !best.Any(p => p.IsNull)) best.Add(keep);

        var texts = best.Select(p => p.IsNull ? "" : example.Context[p.Start..p.End]).ToList();
        if (best.Count == 0 || (best.Count == 1 && texts[0].Length == 0))
        {
            // HF inserts a dummy "empty" answer so there is always a non-null candidate.
            best.Insert(0, (0, 0, 0, 0, 0, false));
            texts.Insert(0, "empty");
        }
        double max = best.Max(p => p.Score);
        double[] exp = best.Select(p => Math.Exp(p.Score - max)).ToArray();
        double sum = exp.Sum();
        var nbest = best.Select((p, i) => new AnswerCandidate(texts[i], p.Start, p.End, p.StartLogit, p.EndLogit, exp[i] / sum)).ToList();

        if (!options.Version2WithNegative) return new QuestionAnsweringPrediction(example.Id, nbest[0].Text, nbest, null);
        int firstNonNull = texts.FindIndex(t => t.Length > 0);
        var bestSpan = nbest[firstNonNull];
        double diff = minNull!.Value.Score - bestSpan.StartLogit - bestSpan.EndLogit;
        return new QuestionAnsweringPrediction(example.Id, diff > options.NullScoreDiffThreshold ? "" : bestSpan.Text, nbest, diff);
    }
}
