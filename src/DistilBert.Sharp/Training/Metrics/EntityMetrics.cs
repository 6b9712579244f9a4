namespace DistilBert.Sharp.Training.Metrics;

/// <summary>One entity: its type and its [Start, End) token range in the tag sequence.</summary>
public readonly record struct EntitySpan(string Type, int Start, int End);

/// <summary>Entity-level precision, recall and F1 (micro-averaged), token accuracy, and F1 per entity type.</summary>
public sealed record EntityScores(double Precision, double Recall, double F1, double Accuracy, IReadOnlyDictionary<string, double> F1ByType)
{
    /// <summary>The values as HF <c>run_ner.py</c>'s <c>compute_metrics</c> names them (<c>precision</c>, <c>recall</c>, <c>f1</c>, <c>accuracy</c>), plus <c>{type}_f1</c>.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var result = new Dictionary<string, double> { ["precision"] = Precision, ["recall"] = Recall, ["f1"] = F1, ["accuracy"] = Accuracy };
        foreach (var (type, f1) in F1ByType) result[$"{type}_f1"] = f1;
        return result;
    }
}

/// <summary>
/// seqeval's entity metrics in strict IOB2 mode (<c>classification_report(..., mode="strict", scheme=IOB2)</c>): an
/// entity is a <c>B-X</c> followed by any <c>I-X</c> of the same type; an <c>I-X</c> that does not continue a
/// <c>B-X</c>/<c>I-X</c> is not an entity. A predicted entity counts only if type, start and end all match.
/// </summary>
/// <remarks>Written here rather than taken from a package: no maintained .NET port of seqeval exists; the rules are a few lines.</remarks>
public sealed class EntityMetrics
{
    private readonly Dictionary<string, (long Tp, long Predicted, long Gold)> _byType = new(StringComparer.Ordinal);
    private long _correctTokens, _tokens;

    /// <summary>The entities of an IOB2 tag sequence (strict).</summary>
    /// <exception cref="ArgumentException">A tag is neither <c>O</c> nor <c>B-</c>/<c>I-</c>prefixed.</exception>
    public static IReadOnlyList<EntitySpan> ExtractEntities(IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var entities = new List<EntitySpan>();
        int i = 0;
        while (i < tags.Count)
        {
            string tag = tags[i] ?? throw new ArgumentException($"Tag {i} is null.", nameof(tags));
            if (tag != "O" && !tag.StartsWith("B-", StringComparison.Ordinal) && !tag.StartsWith("I-", StringComparison.Ordinal))
                throw new ArgumentException($"Tag {i} '{tag}' is not IOB2 (O, B-TYPE or I-TYPE).", nameof(tags));
            if (!tag.StartsWith("B-", StringComparison.Ordinal))
            {
                i++;
                continue;
            }
            string type = tag[2..];
            int end = i + 1;
            while (end < tags.Count && tags[end] == "I-" + type) end++;
            entities.Add(new EntitySpan(type, i, end));
            i = end;
        }
        return entities;
    }

    /// <summary>Scores one pair of sequences list at once (seqeval's <c>precision/recall/f1_score</c> + <c>accuracy_score</c>).</summary>
    /// <exception cref="ArgumentException">Sequence counts or lengths differ; the message names the sequence.</exception>
    public static EntityScores Compute(IReadOnlyList<IReadOnlyList<string>> goldTags, IReadOnlyList<IReadOnlyList<string>> predictedTags)
    {
        ArgumentNullException.ThrowIfNull(goldTags);
        ArgumentNullException.ThrowIfNull(predictedTags);
        if (goldTags.Count != predictedTags.Count)
            throw new ArgumentException($"{goldTags.Count} gold sequences but {predictedTags.Count} predicted ones.", nameof(predictedTags));
        var metrics = new EntityMetrics();
        for (int i = 0; i < goldTags.Count; i++) metrics.Add(goldTags[i], predictedTags[i], i);
        return metrics.Result();
    }

    /// <summary>Accumulates one sentence (streaming use: one call per example, then <see cref="Result"/>).</summary>
    /// <param name="gold">Gold tags.</param>
    /// <param name="predicted">Predicted tags, same length.</param>
    /// <param name="exampleIndex">Named in errors.</param>
    public void Add(IReadOnlyList<string> gold, IReadOnlyList<string> predicted, int exampleIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count)
            throw new ArgumentException($"Example {exampleIndex}: {gold.Count} gold tags but {predicted.Count} predicted tags.", nameof(predicted));
        for (int t = 0; t < gold.Count; t++) if (gold[t] == predicted[t]) _correctTokens++;
        _tokens += gold.Count;
        var goldEntities = ExtractEntities(gold);
        var predictedEntities = ExtractEntities(predicted);
        var goldSet = goldEntities.ToHashSet();
        foreach (var e in goldEntities) Bump(e.Type, 0, 0, 1);
        foreach (var e in predictedEntities) Bump(e.Type, goldSet.Contains(e) ? 1 : 0, 1, 0);
    }

    /// <summary>The scores of everything added so far; 0/0 counts as 0 (seqeval's <c>zero_division</c> default).</summary>
    public EntityScores Result()
    {
        long tp = _byType.Values.Sum(v => v.Tp), predicted = _byType.Values.Sum(v => v.Predicted), gold = _byType.Values.Sum(v => v.Gold);
        double precision = Ratio(tp, predicted), recall = Ratio(tp, gold);
        var byType = _byType.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(kv => kv.Key, kv => Ratio(2 * kv.Value.Tp, kv.Value.Predicted + kv.Value.Gold));
        return new EntityScores(precision, recall, Ratio(2 * tp, predicted + gold), Ratio(_correctTokens, _tokens), byType);
    }

    private void Bump(string type, long tp, long predicted, long gold)
    {
        var (a, b, c) = _byType.GetValueOrDefault(type);
        _byType[type] = (a + tp, b + predicted, c + gold);
    }

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;
}
