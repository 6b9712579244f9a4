using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>Output of <see cref="DistilBertForQuestionAnswering"/>: span start and end scores per position.</summary>
public sealed record QuestionAnsweringOutput : ModelOutput
{
    /// <summary>Span-start scores [batch, seq].</summary>
    public torch.Tensor? StartLogits { get; init; }

    /// <summary>Span-end scores [batch, seq].</summary>
    public torch.Tensor? EndLogits { get; init; }
}

/// <summary>
/// DistilBERT for extractive question answering (HF's <c>DistilBertForQuestionAnswering</c>): dropout(qa_dropout) →
/// qa_outputs (2 scores per token) split into start and end logits. Labels, when given, are [batch, 2] int64 holding the
/// start and end positions; as in HF, positions outside the sequence are clamped to <c>seq</c> and ignored by the loss,
/// which is the mean of the start and end cross-entropies.
/// </summary>
public sealed class DistilBertForQuestionAnswering : DistilBertPreTrainedModel
{
#pragma warning disable IDE1006 // HF key names
    private readonly DistilBertModel distilbert;
    private readonly Linear qa_outputs;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    /// <summary>Builds the model with HF's random initialisation; <c>num_labels</c> must be 2 (start and end), as HF requires.</summary>
    public DistilBertForQuestionAnswering(DistilBertConfig config) : base(nameof(DistilBertForQuestionAnswering), config)
    {
        if (DistilBertConfig.NumLabels != 2)
            throw new ArgumentException($"DistilBertForQuestionAnswering needs num_labels = 2 (start, end); the config has {DistilBertConfig.NumLabels}.", nameof(config));
        distilbert = new DistilBertModel(DistilBertConfig, initialize: false);
        qa_outputs = nn.Linear(DistilBertConfig.Dim, DistilBertConfig.NumLabels);
        dropout = nn.Dropout(DistilBertConfig.QaDropout);
        RegisterComponents();
        DistilBertInitializer.Initialize(this);
    }

    /// <summary>Loads a checkpoint folder (or file).</summary>
    public static DistilBertForQuestionAnswering FromPretrained(string pathOrHubId, PretrainedOptions? options = null) =>
        LoadPretrained(pathOrHubId, options, c => new DistilBertForQuestionAnswering(c));

    /// <summary>The encoder under the head (HF's <c>model.distilbert</c>).</summary>
    public DistilBertModel DistilBert => distilbert;

    /// <summary>Returns a <see cref="QuestionAnsweringOutput"/> with start/end logits and, when labels are given, the loss.</summary>
    public override ModelOutput forward(ModelInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Labels is { } l && (l.dim() != 2 || l.shape[1] != 2 || l.dtype is not (ScalarType.Int64 or ScalarType.Int32)))
            throw new ArgumentException($"Question-answering labels must be integer [batch, 2] (start, end); got {l.dtype} [{string.Join(", ", l.shape)}].", nameof(inputs));
        using var scope = NewDisposeScope();
        var encoded = distilbert.call(inputs with { Labels = null });
        var logits = MixedPrecision.Linear(qa_outputs, dropout.call(encoded.LastHiddenState!));
        var start = logits[TensorIndex.Ellipsis, 0].contiguous();
        var end = logits[TensorIndex.Ellipsis, 1].contiguous();
        Tensor? loss = null;
        if (inputs.Labels is { } labels)
        {
            if (labels.shape[0] != start.shape[0])
                throw new ArgumentException($"Question-answering labels hold {labels.shape[0]} rows for a batch of {start.shape[0]}.", nameof(inputs));
            long ignored = start.shape[1];
            var positions = labels.to_type(ScalarType.Int64).clamp(0, ignored);
            var startLoss = nn.functional.cross_entropy(start, positions[TensorIndex.Colon, 0], ignore_index: ignored);
            var endLoss = nn.functional.cross_entropy(end, positions[TensorIndex.Colon, 1], ignore_index: ignored);
            loss = (startLoss + endLoss) / 2;
        }
        return new QuestionAnsweringOutput
        {
            Loss = loss?.MoveToOuterDisposeScope(),
            StartLogits = start.MoveToOuterDisposeScope(),
            EndLogits = end.MoveToOuterDisposeScope(),
            HiddenStates = encoded.HiddenStates?.Select(t => t.MoveToOuterDisposeScope()).ToArray(),
            Attentions = encoded.Attentions?.Select(t => t.MoveToOuterDisposeScope()).ToArray(),
        };
    }
}
