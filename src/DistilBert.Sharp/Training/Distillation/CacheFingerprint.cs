using System.Security.Cryptography;
using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Weights;
using TorchSharp;

namespace DistilBert.Sharp.Training.Distillation;

/// <summary>SHA-256 fingerprints that decide whether a <see cref="TeacherLogitsCache"/> file is still valid.</summary>
internal static unsafe class CacheFingerprint
{
    /// <summary>Hash of the model's class, configuration and every state-dict entry (name, dtype, shape, bytes), in name order.</summary>
    public static string OfModel(PreTrainedModel model)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendString(hash, model.GetType().FullName ?? model.GetType().Name);
        AppendString(hash, model.Config.ToJson());
        using var scope = torch.NewDisposeScope();
        foreach (var (name, tensor) in model.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            AppendString(hash, name);
            AppendString(hash, tensor.dtype.ToString());
            AppendString(hash, string.Join(",", tensor.shape));
            var data = tensor.detach().cpu().contiguous();
            long bytes = data.numel() * data.element_size();
            byte* p = TensorMemory.DataPointer(data);
            // Span lengths are int: walk large tensors in chunks.
            for (long offset = 0; offset < bytes; offset += int.MaxValue)
                hash.AppendData(new ReadOnlySpan<byte>(p + offset, (int)Math.Min(int.MaxValue, bytes - offset)));
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>Hash of the examples' token ids and segment ids, in dataset order (count and lengths included).</summary>
    public static string OfInputs(IModelDataset dataset)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[4];
        AppendInt(hash, dataset.Count, number);
        for (int i = 0; i < dataset.Count; i++)
        {
            var example = dataset[i];
            AppendIds(hash, example.InputIds, number);
            AppendIds(hash, example.TokenTypeIds ?? [], number);
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    private static void AppendIds(IncrementalHash hash, int[] ids, Span<byte> number)
    {
        AppendInt(hash, ids.Length, number);
        fixed (int* p = ids) hash.AppendData(new ReadOnlySpan<byte>(p, ids.Length * sizeof(int)));
    }

    private static void AppendString(IncrementalHash hash, string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        AppendInt(hash, bytes.Length, length);
        hash.AppendData(bytes);
    }

    private static void AppendInt(IncrementalHash hash, int value, Span<byte> buffer)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(buffer, value);
        hash.AppendData(buffer);
    }
}
