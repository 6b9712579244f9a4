using DistilBert.Sharp.Weights;
using TorchSharp;

namespace DistilBert.Sharp.Modeling;

/// <summary>Writes a model in HF's folder layout: <c>config.json</c> (with <c>architectures</c>) and <c>model.safetensors</c>.</summary>
internal static class PretrainedSaving
{
    public static void Save(PreTrainedModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string target = Path.GetFullPath(directory);
        if (Directory.Exists(target))
        {
            // The folder may hold other files (tokenizer, training state): never replace it wholesale. Each file is
            // written to a temporary name and renamed; weights first, so config.json appearing means a complete save.
            WriteInto(model, target);
            return;
        }
        string parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        string temp = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            WriteInto(model, temp);
            Directory.Move(temp, target);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    private static void WriteInto(PreTrainedModel model, string dir)
    {
        Directory.CreateDirectory(dir);
        using (var scope = torch.NewDisposeScope())
        {
            // state_dict() lists a tied matrix once (under the embedding name), which is what HF writes for tied weights.
            var state = model.state_dict();
            var tied = model.TiedWeightKeys;
            CheckpointWriter.Save(dir, state.Where(kv => !tied.Contains(kv.Key)));
        }
        string configPath = Path.Combine(dir, "config.json");
        // architectures is set on a copy, so saving never edits the model's own configuration.
        var copy = model.Config.CloneConfig();
        copy.Architectures = [model.GetType().Name];
        copy.Save(configPath);
    }
}
