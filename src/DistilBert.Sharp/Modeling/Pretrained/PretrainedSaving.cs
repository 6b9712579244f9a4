using DistilBert.Sharp.IO;
using DistilBert.Sharp.Weights;
using TorchSharp;

namespace DistilBert.Sharp.Modeling;

/// <summary>Writes a model in HF's folder layout: <c>config.json</c> (with <c>architectures</c>) and <c>model.safetensors</c>.</summary>
/// <remarks>
/// The whole folder is written beside the target and swapped in by rename (<see cref="AtomicDirectory"/>), so a kill at
/// any moment leaves the old model or the new one, never the new weights with the old config. As with HF's
/// <c>save_pretrained</c>, files the save does not own (tokenizer files, a README, training state) stay in the folder;
/// weight files of an earlier, differently sharded save are dropped.
/// </remarks>
internal static class PretrainedSaving
{
    public static void Save(PreTrainedModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        AtomicDirectory.Replace(Path.GetFullPath(directory), staging => WriteInto(model, staging),
            carry: name => !CheckpointWriter.IsWeightFileName(name));
    }

    private static void WriteInto(PreTrainedModel model, string dir)
    {
        using (var scope = torch.NewDisposeScope())
        {
            // state_dict() lists a tied matrix once (under the embedding name), which is what HF writes for tied weights.
            var state = model.state_dict();
            var tied = model.TiedWeightKeys;
            CheckpointWriter.WriteWeights(dir, state.Where(kv => !tied.Contains(kv.Key)), maxShardSizeBytes: null, metadata: null);
        }
        // architectures is set on a copy, so saving never edits the model's own configuration.
        var copy = model.Config.CloneConfig();
        copy.Architectures = [model.GetType().Name];
        copy.Save(Path.Combine(dir, "config.json"));
    }
}
