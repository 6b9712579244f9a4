using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Tokenization;
using TorchSharp;

namespace DistilBert.Sharp.Inference;

public sealed partial class TextClassificationPipeline
{
    private bool _ownsModel;
    private bool _disposed;

    /// <summary>
    /// Loads a fine-tuned classifier folder (or Hub id) in one call, like HF's
    /// <c>pipeline("text-classification", model=path)</c>: the model through <see cref="AutoModelForSequenceClassification"/>
    /// (so DistilBERT and BERT checkpoints both work), the tokenizer from the same place, and the label names from its
    /// <c>config.json</c> (<c>id2label</c>). The pipeline owns the model: dispose the pipeline to free it.
    /// </summary>
    /// <param name="pathOrHubId">A folder with <c>config.json</c>, the weights and the tokenizer files, or a Hub id.</param>
    /// <param name="options">Batch size, top-k, max length, score function.</param>
    /// <param name="pretrainedOptions">Loading options (device, dtype, Hub settings, logger).</param>
    public static TextClassificationPipeline FromPretrained(string pathOrHubId, TextClassificationPipelineOptions? options = null,
        PretrainedOptions? pretrainedOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrHubId);
        // The tokenizer comes from the same place with the same Hub settings (revision, cache, offline) as the model.
        var tokenizer = DistilBertTokenizer.FromPretrained(pathOrHubId, (pretrainedOptions ?? new PretrainedOptions()).HubOptions());
        PreTrainedModel model = AutoModelForSequenceClassification.FromPretrained(pathOrHubId, pretrainedOptions);
        try
        {
            return new TextClassificationPipeline(model, tokenizer, options) { _ownsModel = true };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Frees the model when this pipeline loaded it (<see cref="FromPretrained"/>); otherwise does nothing.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_ownsModel) _model.Dispose();
    }

    /// <summary>
    /// Runs [CLS] [SEP] through the model once, so a model without a classification head fails here, with a clear
    /// message, instead of at the first <c>Predict</c>. Checking the output rather than the class lets any head that
    /// returns one row of logits per text (DistilBERT, BERT, a custom model) through; it costs one two-token forward.
    /// </summary>
    private void RequireClassificationHead()
    {
        TorchRuntime.EnsureLoaded();
        bool wasTraining = _model.training;
        _model.eval();
        try
        {
            using var scope = torch.NewDisposeScope();
            using var inference = torch.inference_mode();
            torch.Device device = _options.Device ?? _model.parameters().First().device;
            var inputs = _collator.Collate([new TextClassificationExample([_tokenizer.ClsTokenId, _tokenizer.SepTokenId])]);
            if (device.type != DeviceType.CPU)
                inputs = inputs with { InputIds = inputs.InputIds.to(device), AttentionMask = inputs.AttentionMask?.to(device) };
            var logits = _model.call(inputs).Logits;
            if (logits is null || logits.dim() != 2 || logits.shape[0] != 1)
            {
                string got = logits is null ? "no logits" : $"logits of shape [{string.Join(", ", logits.shape)}]";
                throw new ArgumentException(
                    $"{_model.GetType().Name} has no sequence-classification head: it returns {got} instead of one row of scores per text. " +
                    "Use DistilBertForSequenceClassification / BertForSequenceClassification (or AutoModelForSequenceClassification).",
                    "model");
            }
        }
        finally
        {
            _model.train(wasTraining);
        }
    }
}
