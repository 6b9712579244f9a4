using System.Text.RegularExpressions;
using DistilBert.Sharp.Runtime;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace DistilBert.Sharp.Weights;

/// <summary>
/// Loads a checkpoint into any TorchSharp module by HF key names, with HF's rules for base-model prefixes, tied
/// weights, legacy buffers and missing/unexpected keys.
/// </summary>
/// <remarks>
/// Every check (shapes, strictness) runs before the first tensor is written, so a failed load leaves the model as it
/// was. Data is copied under <c>torch.no_grad()</c> straight from the memory-mapped file into each parameter.
/// </remarks>
public static class StateDictLoader
{
    /// <summary>Opens the checkpoint at <paramref name="checkpointPath"/> (file, index or folder) and loads it into <paramref name="model"/>.</summary>
    public static LoadReport Load(torch.nn.Module model, string checkpointPath, StateDictLoadOptions? options = null)
    {
        using var ckpt = CheckpointReader.Open(checkpointPath);
        return Load(model, ckpt, options);
    }

    /// <summary>Loads <paramref name="checkpoint"/> into <paramref name="model"/>.</summary>
    /// <exception cref="StateDictMismatchException">A shape differs (always), or a key is missing/unexpected with <see cref="StateDictLoadOptions.Strict"/>.</exception>
    public static LoadReport Load(torch.nn.Module model, CheckpointReader checkpoint, StateDictLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(checkpoint);
        options ??= new StateDictLoadOptions();
        TorchRuntime.EnsureLoaded();
        string modelName = options.ModelName ?? model.GetType().Name;
        string ckptName = options.CheckpointName ?? checkpoint.Path;

        var modelTensors = model.state_dict();
        var ckptKeys = NormalizeLegacyNames(checkpoint.Keys);

        string? prefix = string.IsNullOrEmpty(options.BasePrefix) ? null : options.BasePrefix + ".";
        bool hasPrefix = prefix is not null && ckptKeys.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));
        bool expectsPrefix = prefix is not null && modelTensors.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));
        bool removePrefix = prefix is not null && !hasPrefix && expectsPrefix;
        bool addPrefix = prefix is not null && hasPrefix && !expectsPrefix;

        string CheckpointKeyFor(string modelKey) =>
            removePrefix && modelKey.StartsWith(prefix!, StringComparison.Ordinal) ? modelKey[prefix!.Length..]
            : addPrefix ? prefix + modelKey
            : modelKey;

        var pairs = new List<(string ModelKey, string StoredKey, torch.Tensor Target)>();
        var absent = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, tensor) in modelTensors)
        {
            string ck = CheckpointKeyFor(key);
            if (ckptKeys.TryGetValue(ck, out string? stored))
            {
                pairs.Add((key, stored, tensor));
                used.Add(ck);
            }
            else absent.Add(key);
        }

        // Buffers the model keeps out of its state dict (non-persistent), seen from the checkpoint's side.
        var nonPersistent = new HashSet<string>(
            model.named_buffers(true, true).Select(b => b.Item1).Where(n => !modelTensors.ContainsKey(n)).Select(CheckpointKeyFor),
            StringComparer.Ordinal);
        var unexpected = new List<string>();
        var ignored = new List<string>();
        foreach (var (ck, stored) in ckptKeys)
        {
            if (used.Contains(ck)) continue;
            if (nonPersistent.Contains(ck) || MatchesAny(ck, options.IgnoredUnexpectedKeys)) ignored.Add(stored);
            else unexpected.Add(stored);
        }

        var loadedKeys = new HashSet<string>(pairs.Select(p => p.ModelKey), StringComparer.Ordinal);
        var tiedToLoaded = TiedToLoaded(modelTensors, loadedKeys);
        var missing = new List<string>();
        var allowed = new List<string>();
        foreach (var key in absent)
        {
            if (tiedToLoaded.Contains(key) || MatchesAny(key, options.AllowedMissingKeys)) allowed.Add(key);
            else missing.Add(key);
        }

        var mismatches = new List<string>();
        foreach (var (modelKey, stored, target) in pairs)
        {
            var info = checkpoint.Tensors[stored];
            if (!info.ShapeSpan.SequenceEqual(target.shape))
                mismatches.Add($"size mismatch for '{modelKey}': the checkpoint has [{string.Join(", ", info.Shape)}] (key '{stored}'), the model has [{string.Join(", ", target.shape)}]");
        }
        if (mismatches.Count > 0)
            throw new StateDictMismatchException(
                $"Error(s) loading '{ckptName}' into {modelName}:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", mismatches),
                missing, unexpected, mismatches);
        if (options.Strict && (missing.Count > 0 || unexpected.Count > 0))
            throw new StateDictMismatchException(
                $"Strict loading of '{ckptName}' into {modelName} failed: missing keys [{string.Join(", ", missing)}]; unexpected keys [{string.Join(", ", unexpected)}].",
                missing, unexpected, []);

        using (torch.no_grad())
        {
            foreach (var (_, stored, target) in pairs) checkpoint.ReadInto(stored, target);
        }

        if (missing.Count > 0)
            options.Logger?.LogWarning(
                "Some weights of {ModelName} were not initialized from the model checkpoint at {Checkpoint} and are newly initialized: [{MissingKeys}]. Train the model on a downstream task before relying on its predictions.",
                modelName, ckptName, string.Join(", ", missing));
        if (unexpected.Count > 0)
            options.Logger?.LogWarning(
                "Some weights of the model checkpoint at {Checkpoint} were not used when initializing {ModelName}: [{UnexpectedKeys}]. This is expected when the checkpoint was trained for another task or architecture.",
                ckptName, modelName, string.Join(", ", unexpected));

        return new LoadReport
        {
            LoadedKeys = pairs.Select(p => p.ModelKey).ToList(),
            MissingKeys = missing,
            UnexpectedKeys = unexpected,
            IgnoredKeys = ignored,
            TiedOrAllowedMissingKeys = allowed,
            RemovedPrefixFromModel = removePrefix,
            AddedPrefixToModel = addPrefix,
        };
    }

    // Old checkpoints name LayerNorm parameters gamma/beta; HF renames them on load. Keys map normalized -> stored.
    private static Dictionary<string, string> NormalizeLegacyNames(IEnumerable<string> keys)
    {
        var all = new HashSet<string>(keys, StringComparer.Ordinal);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var k in all)
        {
            string n = k.EndsWith(".gamma", StringComparison.Ordinal) ? k[..^6] + ".weight"
                : k.EndsWith(".beta", StringComparison.Ordinal) ? k[..^5] + ".bias"
                : k;
            if (n != k && all.Contains(n)) n = k; // never shadow a real key
            map.TryAdd(n, k);
        }
        return map;
    }

    // Tied parameters (e.g. an MLM projector sharing the word embeddings) share storage; a missing member of a group
    // with a loaded member receives the weights through the sharing, so it is not really missing (as in HF).
    private static HashSet<string> TiedToLoaded(Dictionary<string, torch.Tensor> modelTensors, HashSet<string> loaded)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var groups = modelTensors
            .Where(p => p.Value.numel() > 0)
            .GroupBy(p => (Ptr: StoragePointer(p.Value), Device: p.Value.device.ToString(), Shape: string.Join(",", p.Value.shape), p.Value.dtype));
        foreach (var g in groups)
        {
            var names = g.Select(p => p.Key).ToList();
            if (names.Count > 1 && names.Any(loaded.Contains))
                foreach (var n in names.Where(n => !loaded.Contains(n))) result.Add(n);
        }
        return result;
    }

    // data_ptr() of any device (a device address for CUDA): equal pointers mean shared storage.
    private static unsafe long StoragePointer(torch.Tensor t) => (long)TensorMemory.DataPointer(t);

    private static bool MatchesAny(string key, IReadOnlyList<string> patterns)
    {
        foreach (var p in patterns)
            if (Regex.IsMatch(key, p, RegexOptions.CultureInvariant)) return true;
        return false;
    }
}
