using System.Text;
using System.Text.RegularExpressions;

namespace DistilBert.Sharp.Training.Metrics;

/// <summary>
/// The official SQuAD evaluation (v2.0 script, which equals v1.1 on answerable questions): answers are normalised
/// (lowercased, ASCII punctuation removed, the articles a/an/the removed, whitespace collapsed), exact match is
/// equality of normalised strings, F1 is the bag-of-tokens overlap, and each question takes its best gold answer.
/// An unanswerable question's gold answer is "" (the prediction must be empty to score).
/// </summary>
public static partial class SquadScores
{
    // Python's string.punctuation.
    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    [GeneratedRegex(@"\b(a|an|the)\b")]
    private static partial Regex Articles();

    /// <summary>SQuAD's <c>normalize_answer</c>.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        foreach (char c in text.ToLowerInvariant()) if (!Punctuation.Contains(c)) builder.Append(c);
        string noArticles = Articles().Replace(builder.ToString(), " ");
        return string.Join(" ", noArticles.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>1 when the normalised strings are equal, else 0.</summary>
    public static double ExactMatch(string prediction, string gold) => Normalize(prediction) == Normalize(gold) ? 1 : 0;

    /// <summary>Token-overlap F1 of the normalised strings; 1 when both are empty, 0 when only one is.</summary>
    public static double F1(string prediction, string gold)
    {
        string[] predicted = Normalize(prediction).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] expected = Normalize(gold).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (predicted.Length == 0 || expected.Length == 0) return predicted.Length == expected.Length ? 1 : 0;
        var counts = expected.GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        int same = 0;
        foreach (var token in predicted)
        {
            if (counts.TryGetValue(token, out int left) && left > 0)
            {
                counts[token] = left - 1;
                same++;
            }
        }
        if (same == 0) return 0;
        double precision = (double)same / predicted.Length, recall = (double)same / expected.Length;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>
    /// <c>exact_match</c> and <c>f1</c> in percent over the questions (HF's <c>squad</c>/<c>squad_v2</c> metrics),
    /// each question scored against its best gold answer.
    /// </summary>
    /// <param name="predictions">Predicted text per question ("" = no answer).</param>
    /// <param name="goldAnswers">Gold answer texts per question (none = unanswerable).</param>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public static IReadOnlyDictionary<string, double> Compute(IReadOnlyList<string> predictions, IReadOnlyList<IReadOnlyList<string>> goldAnswers)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(goldAnswers);
        if (predictions.Count != goldAnswers.Count)
            throw new ArgumentException($"{predictions.Count} predictions but {goldAnswers.Count} questions.", nameof(goldAnswers));
        double exact = 0, f1 = 0;
        for (int i = 0; i < predictions.Count; i++)
        {
            // v2 script: gold answers that normalise to "" are dropped; none left means the answer is "".
            var golds = goldAnswers[i].Where(a => Normalize(a).Length > 0).DefaultIfEmpty("").ToArray();
            exact += golds.Max(g => ExactMatch(predictions[i], g));
            f1 += golds.Max(g => F1(predictions[i], g));
        }
        int n = Math.Max(1, predictions.Count);
        return new Dictionary<string, double> { ["exact_match"] = 100 * exact / n, ["f1"] = 100 * f1 / n };
    }
}
