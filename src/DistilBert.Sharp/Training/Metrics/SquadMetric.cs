using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using TorchSharp;

namespace DistilBert.Sharp.Training.Metrics;

/// <summary>
/// SQuAD exact match and F1 as a batch metric for <see cref="Trainer.BatchEvalMetrics"/>: per batch it keeps only each
/// feature's n-best start/end candidates (<see cref="FeatureCandidates"/>), then <see cref="Compute"/> post-processes
/// them (<see cref="QuestionAnsweringPostProcessor"/>) and scores the answers against the examples' gold answers
/// (<see cref="SquadScores"/>). Evaluate on the same <see cref="QuestionAnsweringDataset"/> it was made for.
/// </summary>
/// <param name="features">The evaluation features.</param>
/// <param name="options">Post-processing settings (v2, n-best, max answer length, null threshold).</param>
public sealed class SquadMetric(QuestionAnsweringDataset features, QuestionAnsweringPostProcessingOptions? options = null) : IBatchMetric
{
    private readonly QuestionAnsweringDataset _features = features ?? throw new ArgumentNullException(nameof(features));
    private readonly QuestionAnsweringPostProcessingOptions _options = options ?? new QuestionAnsweringPostProcessingOptions();
    private FeatureCandidates?[] _candidates = new FeatureCandidates?[features.Count];

    /// <summary>The answers of the last <see cref="Compute"/>, one per example.</summary>
    public IReadOnlyList<QuestionAnsweringPrediction>? LastPredictions { get; private set; }

    /// <inheritdoc />
    public void Reset() => _candidates = new FeatureCandidates?[_features.Count];

    /// <inheritdoc />
    public void Update(EvalBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!ReferenceEquals(batch.Dataset, _features))
            throw new InvalidOperationException("SquadMetric was made for another dataset; evaluate on the QuestionAnsweringDataset it was created with.");
        if (batch.Output is not QuestionAnsweringOutput { StartLogits: { } start, EndLogits: { } end })
            throw new InvalidOperationException($"SquadMetric needs start/end logits (a question-answering model); the model returned {batch.Output.GetType().Name}.");
        float[] starts, ends;
        using (var scope = torch.NewDisposeScope())
        {
            starts = start.to(torch.float32).cpu().data<float>().ToArray();
            ends = end.to(torch.float32).cpu().data<float>().ToArray();
        }
        int seq = (int)start.shape[1];
        for (int row = 0; row < batch.Indices.Count; row++)
        {
            int length = _features[batch.Indices[row]].InputIds.Length; // padding positions are never candidates
            _candidates[batch.Indices[row]] = FeatureCandidates.FromLogits(
                starts.AsSpan(row * seq, length), ends.AsSpan(row * seq, length), _options.NBestSize);
        }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Compute()
    {
        LastPredictions = QuestionAnsweringPostProcessor.Process(_features, _candidates, _options);
        return SquadScores.Compute(LastPredictions.Select(p => p.Text).ToArray(),
            _features.Examples.Select(e => (IReadOnlyList<string>)e.Answers.Select(a => a.Text).ToArray()).ToArray());
    }
}
