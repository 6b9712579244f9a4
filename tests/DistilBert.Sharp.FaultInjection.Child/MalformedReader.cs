using System.Globalization;
using DistilBert.Sharp.Weights;
using TorchSharp;

namespace DistilBert.Sharp.FaultInjection.Child;

/// <summary>
/// Reads every file of a malformed-input corpus and prints, per file, <c>CASE name</c> and then exactly one of
/// <c>OK name</c> (opened, every tensor read, and the reads agree), <c>REJECTED name message</c>
/// (<see cref="SafetensorsFormatException"/>), <c>INCONSISTENT name detail</c> or <c>OTHER name type: message</c>. A
/// file named <c>*.cut-&lt;n&gt;.&lt;raw|f32&gt;.safetensors</c> is truncated to n bytes right after it is opened, then
/// read through the stored-dtype path (raw) or the converting path into F32 (f32).
/// </summary>
public static class MalformedReader
{
    public static void ReadAll(string folder, Action<string> marker)
    {
        foreach (string path in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            marker($"CASE {name}");
            try
            {
                marker(Read(path, name) is string problem ? $"INCONSISTENT {name} {problem}" : $"OK {name}");
            }
            catch (SafetensorsFormatException ex)
            {
                marker($"REJECTED {name} {ex.Message.ReplaceLineEndings(" ")}");
            }
#pragma warning disable CA1031 // the point is to report any other exception type as a failure, not to crash
            catch (Exception ex)
#pragma warning restore CA1031
            {
                marker($"OTHER {name} {ex.GetType().FullName}: {ex.Message.ReplaceLineEndings(" ")}");
            }
        }
    }

    // Returns null when every tensor read consistently, else what disagreed.
    private static string? Read(string path, string name)
    {
        using var file = SafetensorsFile.Open(path);
        string[] parts = name.Split('.');
        int cut = Array.FindIndex(parts, p => p.StartsWith("cut-", StringComparison.Ordinal));
        bool intoF32 = cut >= 0 && parts[cut + 1] == "f32";
        if (cut >= 0)
        {
            // Read the first tensor before the cut, so whatever a read path sets up (a map, a handle) exists when the
            // file shrinks: the case that used to kill the process on the converting path.
            var early = file.Tensors.Values.Where(t => t.ByteLength > 0).MinBy(t => t.DataStart);
            if (early is not null) ReadOne(file, early, intoF32);
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            fs.SetLength(long.Parse(parts[cut][4..], CultureInfo.InvariantCulture));
        }
        foreach (var (tensorName, info) in file.Tensors)
        {
            using var scope = torch.NewDisposeScope();
            bool isFloat = IsFloat(info);
            if (intoF32 && isFloat)
            {
                ReadOne(file, info, intoF32: true);
                continue;
            }
            var first = file.ReadTensor(tensorName);
            var second = file.ReadTensor(tensorName);
            if (!SameOrBothNaN(first, second)) return $"'{tensorName}' read twice differs";
            if (!isFloat) continue;
            // The converting path and torch's own conversion must agree (NaN payloads aside).
            var converted = torch.empty(info.Shape, torch.float32);
            file.ReadInto(tensorName, converted);
            if (!SameOrBothNaN(converted, first.to(torch.float32))) return $"'{tensorName}' converts differently from torch";
        }
        return null;
    }

    private static bool IsFloat(SafetensorsTensorInfo info) =>
        info.DType is SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.F64 or SafetensorsDType.F32;

    private static void ReadOne(SafetensorsFile file, SafetensorsTensorInfo info, bool intoF32)
    {
        using var scope = torch.NewDisposeScope();
        if (intoF32 && IsFloat(info)) file.ReadInto(info.Name, torch.empty(info.Shape, torch.float32));
        else file.ReadTensor(info.Name);
    }

    private static bool SameOrBothNaN(torch.Tensor a, torch.Tensor b)
    {
        if (!a.is_floating_point()) return a.eq(b).all().item<bool>();
        return a.eq(b).logical_or(a.isnan().logical_and(b.isnan())).all().item<bool>();
    }
}
