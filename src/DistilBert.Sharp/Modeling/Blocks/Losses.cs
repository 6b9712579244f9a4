using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>The head losses, with HF's problem-type inference (computed per call; the configuration is never mutated).</summary>
internal static class Losses
{
    /// <summary>
    /// HF's rule when <c>problem_type</c> is unset: one label → regression; integer labels → single-label; otherwise
    /// multi-label. HF writes the inferred value back into the config on the first batch; we do not, so a later batch with
    /// different labels is judged on its own.
    /// </summary>
    public static string InferProblemType(PretrainedConfig config, Tensor labels) =>
        config.ProblemType ?? (config.NumLabels == 1 ? "regression"
            : labels.dtype is ScalarType.Int64 or ScalarType.Int32 ? "single_label_classification"
            : "multi_label_classification");

    public static Tensor SequenceClassification(PretrainedConfig config, Tensor logits, Tensor labels)
    {
        int numLabels = config.NumLabels;
        long batch = logits.shape[0];
        switch (InferProblemType(config, labels))
        {
            case "regression":
            {
                if (labels.numel() != logits.numel())
                    throw new ArgumentException($"Regression labels must hold {logits.numel()} values; got shape [{string.Join(", ", labels.shape)}].", "inputs");
                var target = labels.to_type(logits.dtype);
                // HF squeezes both sides when there is a single output so [batch, 1] logits meet [batch] labels.
                return numLabels == 1
                    ? nn.functional.mse_loss(logits.squeeze(), target.squeeze())
                    : nn.functional.mse_loss(logits, target.view_as(logits));
            }
            case "single_label_classification":
                if (labels.dtype is not (ScalarType.Int64 or ScalarType.Int32))
                    throw new ArgumentException($"Single-label classification needs integer class labels; got {labels.dtype}.", "inputs");
                InputValidation.ValidateClassLabels(labels, batch, numLabels, "sequence classification");
                return nn.functional.cross_entropy(logits.view(-1, numLabels), labels.view(-1).to_type(ScalarType.Int64));
            default:
                if (!labels.shape.SequenceEqual(logits.shape))
                    throw new ArgumentException($"Multi-label targets must have shape [{string.Join(", ", logits.shape)}]; got [{string.Join(", ", labels.shape)}].", "inputs");
                return nn.functional.binary_cross_entropy_with_logits(logits, labels.to_type(logits.dtype));
        }
    }

    /// <summary>The label that token losses skip (PyTorch's <c>ignore_index</c> default, which HF uses).</summary>
    public const long IgnoreIndex = -100;

    /// <summary>Cross-entropy over every position, skipping label -100 (masked LM and token classification).</summary>
    public static Tensor TokenCrossEntropy(Tensor logits, Tensor labels, Tensor inputIds, string what)
    {
        long classes = logits.shape[^1];
        ValidateTokenLabels(labels, inputIds, classes, what);
        return nn.functional.cross_entropy(logits.view(-1, classes), labels.reshape(-1).to_type(ScalarType.Int64));
    }

    /// <summary>Per-token labels must be integers of the InputIds shape, each -100 or a class id below <paramref name="classes"/>.</summary>
    public static void ValidateTokenLabels(Tensor labels, Tensor inputIds, long classes, string what)
    {
        if (labels.dtype is not (ScalarType.Int64 or ScalarType.Int32))
            throw new ArgumentException($"{what} labels must be integer ids; got {labels.dtype}.", "inputs");
        if (!labels.shape.SequenceEqual(inputIds.shape))
            throw new ArgumentException($"{what} labels must have the InputIds shape [{string.Join(", ", inputIds.shape)}]; got [{string.Join(", ", labels.shape)}].", "inputs");
        InputValidation.ValidateClassLabels(labels, inputIds.numel(), (int)classes, what);
    }
}
