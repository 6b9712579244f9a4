using TorchSharp;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// Checks a batch before any native kernel sees it: a bad id or shape would otherwise surface as an opaque libtorch
/// error (or an out-of-bounds read on some devices). Every message names the offending value.
/// </summary>
internal static class InputValidation
{
    public static void ValidateEncoderInputs(ModelInputs inputs, int vocabSize, int maxPositionEmbeddings, Device modelDevice)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var ids = inputs.InputIds ?? throw new ArgumentException("InputIds is required.", nameof(inputs));
        if (ids.dim() != 2)
            throw new ArgumentException($"InputIds must have shape [batch, seq]; got rank {ids.dim()} shape [{string.Join(", ", ids.shape)}].", nameof(inputs));
        if (ids.dtype is not (ScalarType.Int64 or ScalarType.Int32))
            throw new ArgumentException($"InputIds must be int64 (or int32); got {ids.dtype}.", nameof(inputs));
        if (ids.device_type != modelDevice.type || (modelDevice.type != DeviceType.CPU && ids.device_index != modelDevice.index))
            throw new ArgumentException($"InputIds is on {ids.device} but the model is on {modelDevice}; move the batch with .to(device).", nameof(inputs));
        long batch = ids.shape[0], seq = ids.shape[1];
        if (batch == 0 || seq == 0)
            throw new ArgumentException($"InputIds is empty: shape [{batch}, {seq}].", nameof(inputs));
        if (seq > maxPositionEmbeddings)
            throw new ArgumentException($"Sequence length {seq} exceeds max_position_embeddings ({maxPositionEmbeddings}); truncate the input.", nameof(inputs));
        var (min, max) = MinMax(ids);
        if (min < 0 || max >= vocabSize)
            throw new ArgumentException($"InputIds contains token id {(min < 0 ? min : max)} outside the vocabulary [0, {vocabSize}).", nameof(inputs));
        if (inputs.AttentionMask is { } mask)
        {
            if (!mask.shape.SequenceEqual(ids.shape))
                throw new ArgumentException($"AttentionMask shape [{string.Join(", ", mask.shape)}] does not match InputIds shape [{batch}, {seq}].", nameof(inputs));
            if (mask.device_type != ids.device_type || mask.device_index != ids.device_index)
                throw new ArgumentException($"AttentionMask is on {mask.device} but InputIds is on {ids.device}.", nameof(inputs));
        }
    }

    /// <summary>
    /// Smallest and largest id in one pass (aminmax), with the temporaries freed at once: this runs on every forward,
    /// so at batch 1 its two reductions and four undisposed tensors were a measurable share of the per-call overhead.
    /// </summary>
    private static (long Min, long Max) MinMax(Tensor ids)
    {
        if (!Runtime.InferenceFastPath.Enabled) return (ids.min().item<long>(), ids.max().item<long>());
        var (min, max) = ids.aminmax();
        using (min)
        using (max)
            return (min.item<long>(), max.item<long>());
    }

    /// <summary>Segment ids (BERT's <c>token_type_ids</c>) must match InputIds and lie in [0, <paramref name="typeVocabSize"/>).</summary>
    public static void ValidateTokenTypeIds(ModelInputs inputs, int typeVocabSize)
    {
        if (inputs.TokenTypeIds is not { } types) return;
        var ids = inputs.InputIds;
        if (!types.shape.SequenceEqual(ids.shape))
            throw new ArgumentException($"TokenTypeIds shape [{string.Join(", ", types.shape)}] does not match InputIds shape [{string.Join(", ", ids.shape)}].", nameof(inputs));
        if (types.dtype is not (ScalarType.Int64 or ScalarType.Int32))
            throw new ArgumentException($"TokenTypeIds must be int64 (or int32); got {types.dtype}.", nameof(inputs));
        if (types.device_type != ids.device_type || types.device_index != ids.device_index)
            throw new ArgumentException($"TokenTypeIds is on {types.device} but InputIds is on {ids.device}.", nameof(inputs));
        var (min, max) = MinMax(types);
        if (min < 0 || max >= typeVocabSize)
            throw new ArgumentException($"TokenTypeIds contains segment id {(min < 0 ? min : max)} outside [0, type_vocab_size={typeVocabSize}).", nameof(inputs));
    }

    /// <summary>Class-index labels must be in [0, <paramref name="classes"/>) or the ignore index -100.</summary>
    public static void ValidateClassLabels(Tensor labels, long expectedCount, int classes, string what)
    {
        if (labels.numel() != expectedCount)
            throw new ArgumentException($"Labels for {what} must hold {expectedCount} values; got shape [{string.Join(", ", labels.shape)}].", "inputs");
        using var valid = labels.ne(-100);
        if (!valid.any().item<bool>()) return;
        using var kept = labels.masked_select(valid);
        long min = kept.min().item<long>(), max = kept.max().item<long>();
        if (min < 0 || max >= classes)
            throw new ArgumentException($"Label {(min < 0 ? min : max)} is outside [0, {classes}) for {what} (use -100 to ignore a position).", "inputs");
    }
}
