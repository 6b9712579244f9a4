using DistilBert.Sharp.Weights;
using TorchSharp;

namespace DistilBert.Sharp.Training.Checkpointing;

/// <summary>
/// The trainer's state files (optimizer moments, RNG state) on top of the Weights layer's safetensors reader and
/// writer: saving is atomic there (temp file + rename); loading returns every tensor, owned by the caller.
/// </summary>
internal static class StateTensorFile
{
    public static void Save(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafetensorsWriter.Save(path, tensors, metadata);

    /// <summary>Reads every tensor (detached from any dispose scope: the caller disposes them) and the metadata.</summary>
    public static (Dictionary<string, torch.Tensor> Tensors, Dictionary<string, string> Metadata) Load(string path)
    {
        using var file = SafetensorsFile.Open(path);
        var tensors = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (string name in file.Tensors.Keys) tensors[name] = file.ReadTensor(name).DetachFromDisposeScope();
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return (tensors, new Dictionary<string, string>(file.Metadata, StringComparer.Ordinal));
    }
}
