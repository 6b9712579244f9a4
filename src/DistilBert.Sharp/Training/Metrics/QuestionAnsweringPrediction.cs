namespace DistilBert.Sharp.Training.Metrics;

/// <summary>One candidate answer of an example.</summary>
/// <param name="Text">The context slice ("" for the null answer).</param>
/// <param name="Start">First char in the context (0 for the null answer).</param>
/// <param name="End">One past the last char.</param>
/// <param name="StartLogit">Start logit of the span.</param>
/// <param name="EndLogit">End logit of the span.</param>
/// <param name="Probability">Softmax of the n-best scores (start + end logits).</param>
public sealed record AnswerCandidate(string Text, int Start, int End, float StartLogit, float EndLogit, double Probability);

/// <summary>The answer of one example with its n-best list (HF's <c>all_predictions</c> + <c>all_nbest_json</c>).</summary>
/// <param name="Id">The example id.</param>
/// <param name="Text">The predicted answer ("" = no answer, SQuAD v2).</param>
/// <param name="NBest">Candidates, best first.</param>
/// <param name="NullScoreDiff">v2 only: null score − best span's start and end logits (HF <c>scores_diff_json</c>).</param>
public sealed record QuestionAnsweringPrediction(string Id, string Text, IReadOnlyList<AnswerCandidate> NBest, double? NullScoreDiff);
