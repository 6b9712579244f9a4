namespace DistilBert.Sharp.Inference;

/// <summary>A non-special token before aggregation (HF's <c>pre_entity</c>).</summary>
internal sealed record PreEntity(string Word, float[] Scores, int Start, int End, int Index, bool IsSubword);

/// <summary>
/// The post-processing of HF's <c>TokenClassificationPipeline</c> (<c>aggregate</c>, <c>aggregate_words</c>,
/// <c>group_entities</c>), on softmax scores; separate from the model so it can be checked against hand-made scores.
/// </summary>
internal static class TokenAggregator
{
    public static List<TokenClassificationResult> Aggregate(IReadOnlyList<PreEntity> tokens, AggregationStrategy strategy,
        IReadOnlyList<string> labels, IReadOnlyCollection<string> ignoreLabels)
    {
        List<(string Label, float Score, float[] Scores, string Word, int Start, int End, int Index)> entities;
        if (strategy is AggregationStrategy.None or AggregationStrategy.Simple)
            entities = tokens.Select(t =>
            {
                int id = ArgMax(t.Scores);
                return (labels[id], t.Scores[id], t.Scores, t.Word, t.Start, t.End, t.Index);
            }).ToList();
        else
            entities = AggregateWords(tokens, strategy, labels);

        if (strategy == AggregationStrategy.None)
            return entities.Where(e => !ignoreLabels.Contains(e.Label))
                .Select(e => new TokenClassificationResult(e.Label, e.Score, e.Word, e.Start, e.End, e.Index)).ToList();

        var groups = new List<TokenClassificationResult>();
        var current = new List<(string Label, float Score, string Word, int Start, int End)>();
        foreach (var e in entities)
        {
            if (current.Count > 0)
            {
                var (bi, tag) = Tag(e.Label);
                var (_, lastTag) = Tag(current[^1].Label);
                // Same type and not a B-: continues the group (HF never merges two B- entities).
                if (tag != lastTag || bi == 'B')
                {
                    groups.Add(Group(current));
                    current.Clear();
                }
            }
            current.Add((e.Label, e.Score, e.Word, e.Start, e.End));
        }
        if (current.Count > 0) groups.Add(Group(current));
        return groups.Where(g => !ignoreLabels.Contains(g.Entity)).ToList();
    }

    /// <summary>HF <c>aggregate_words</c>: a word is a non-sub-word token and the sub-words after it.</summary>
    private static List<(string, float, float[], string, int, int, int)> AggregateWords(IReadOnlyList<PreEntity> tokens,
        AggregationStrategy strategy, IReadOnlyList<string> labels)
    {
        var words = new List<(string, float, float[], string, int, int, int)>();
        var group = new List<PreEntity>();
        foreach (var token in tokens)
        {
            if (group.Count > 0 && !token.IsSubword)
            {
                words.Add(AggregateWord(group, strategy, labels));
                group.Clear();
            }
            group.Add(token);
        }
        if (group.Count > 0) words.Add(AggregateWord(group, strategy, labels));
        return words;
    }

    private static (string, float, float[], string, int, int, int) AggregateWord(List<PreEntity> word, AggregationStrategy strategy, IReadOnlyList<string> labels)
    {
        float[] scores = strategy switch
        {
            AggregationStrategy.First => word[0].Scores,
            AggregationStrategy.Max => word.MaxBy(t => t.Scores.Max())!.Scores,
            _ => Enumerable.Range(0, word[0].Scores.Length).Select(j => word.Average(t => t.Scores[j])).ToArray(),
        };
        int id = ArgMax(scores);
        return (labels[id], scores[id], scores, JoinTokens(word.Select(t => t.Word)), word[0].Start, word[^1].End, word[0].Index);
    }

    /// <summary>HF <c>group_sub_entities</c>: the type without its prefix, the mean score, the joined words.</summary>
    private static TokenClassificationResult Group(List<(string Label, float Score, string Word, int Start, int End)> entities)
    {
        string label = entities[0].Label;
        int dash = label.IndexOf('-');
        string type = dash >= 0 ? label[(dash + 1)..] : label;
        return new TokenClassificationResult(type, entities.Average(e => e.Score), JoinTokens(entities.Select(e => e.Word)),
            entities[0].Start, entities[^1].End);
    }

    /// <summary>HF <c>get_tag</c>: B-/I- prefix and type; a label without prefix (e.g. O) counts as I-label.</summary>
    private static (char Bi, string Tag) Tag(string label) =>
        label.StartsWith("B-", StringComparison.Ordinal) ? ('B', label[2..])
        : label.StartsWith("I-", StringComparison.Ordinal) ? ('I', label[2..])
        : ('I', label);

    /// <summary>
    /// HF <c>aggregate_overlapping_entities</c>: the entities of all windows sorted by start; an entity starting inside
    /// the previous kept one replaces it when longer, or as long with a higher score; otherwise it is dropped.
    /// </summary>
    public static List<TokenClassificationResult> MergeOverlapping(IEnumerable<TokenClassificationResult> entities)
    {
        // OrderBy is stable, like Python's sorted: equal starts keep window order.
        var sorted = entities.OrderBy(e => e.Start).ToList();
        var merged = new List<TokenClassificationResult>();
        if (sorted.Count == 0) return merged;
        var previous = sorted[0];
        foreach (var entity in sorted)
        {
            if (previous.Start <= entity.Start && entity.Start < previous.End)
            {
                int length = entity.End - entity.Start, previousLength = previous.End - previous.Start;
                if (length > previousLength || (length == previousLength && entity.Score > previous.Score)) previous = entity;
            }
            else
            {
                merged.Add(previous);
                previous = entity;
            }
        }
        merged.Add(previous);
        return merged;
    }

    /// <summary>BERT's <c>convert_tokens_to_string</c>: tokens joined by spaces, "##" continuations glued.</summary>
    internal static string JoinTokens(IEnumerable<string> tokens) => string.Join(" ", tokens).Replace(" ##", "", StringComparison.Ordinal).Trim();

    private static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
