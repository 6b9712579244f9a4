using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Hosting;

/// <summary>A <see cref="TextClassificationPipeline"/> that owns its model, so the container disposes the model with it.</summary>
internal sealed class OwnedTextClassifier : ITextClassifier, IDisposable
{
    private readonly PreTrainedModel _model;
    private readonly TextClassificationPipeline _pipeline;

    public OwnedTextClassifier(TextClassifierOptions options)
    {
        var tokenizer = DistilBertTokenizer.FromPretrained(options.ModelPath);
        _model = AutoModelForSequenceClassification.FromPretrained(options.ModelPath);
        int maxLength = options.MaxLength ?? tokenizer.ModelMaxLength;
        _pipeline = new TextClassificationPipeline(_model, tokenizer, new TextClassificationPipelineOptions
        {
            // One dynamic batch = one forward pass (the pipeline length-sorts within it).
            BatchSize = options.MaxBatchSize, MaxLength = maxLength, TopK = options.TopK,
        });
        Info = new TextClassifierInfo(options.ModelPath, tokenizer, maxLength, options.MaxBatchSize, _model.Config.Id2Label);
    }

    public TextClassifierInfo Info { get; }

    public IReadOnlyList<IReadOnlyList<ClassificationResult>> PredictBatch(IReadOnlyList<string> texts, IProgress<int>? progress = null,
        CancellationToken cancellationToken = default) => _pipeline.PredictBatch(texts, progress, cancellationToken);

    public void Dispose() => _model.Dispose();
}
