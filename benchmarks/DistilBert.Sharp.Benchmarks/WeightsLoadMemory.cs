using System.Diagnostics;
using DistilBert.Sharp.Weights;
using TorchSharp;
using TorchSharp.PyBridge;

namespace DistilBert.Sharp.Benchmarks;

/// <summary>
/// Peak-memory and timing probe for loading the MiniLM checkpoint: <c>weights-memory [ours|pybridge] [repeats]</c>.
/// Run one loader per process: the kernel's peak-RSS counter (VmHWM) is reset through <c>/proc/self/clear_refs</c>
/// after the model is built, so the reported delta is what the load itself adds on top of the parameters.
/// </summary>
public static class WeightsLoadMemory
{
    /// <summary>Entry point for the benchmarks' command line (Linux only).</summary>
    public static void Run(string[] args)
    {
        string which = args.Length > 0 ? args[0] : "ours";
        int repeats = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
        string path = WeightsBenchmarkData.MiniLmCheckpoint();
        long fileSize = new FileInfo(path).Length;
        using var model = WeightsBenchmarkModel.MiniLm();
        Action load = which switch
        {
            "ours" => () => StateDictLoader.Load(model, path, new StateDictLoadOptions { Strict = true }),
            "pybridge" => () => model.load_safetensors(path, strict: true),
            _ => throw new ArgumentException($"Unknown loader '{which}' (expected ours or pybridge)."),
        };
        GC.Collect();
        GC.WaitForPendingFinalizers();
        File.WriteAllText("/proc/self/clear_refs", "5"); // reset VmHWM to the current RSS
        long rssBefore = ReadStatusKb("VmRSS") * 1024;
        var sw = Stopwatch.StartNew();
        load(); // cold-ish first load (page cache may already be warm)
        double first = sw.Elapsed.TotalSeconds;
        long peakAfterFirst = ReadStatusKb("VmHWM") * 1024;
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            sw.Restart();
            load();
            times.Add(sw.Elapsed.TotalSeconds);
        }
        times.Sort();
        Console.WriteLine(MachineInfo.Line());
        Console.WriteLine($"loader={which} file={fileSize / 1e6:F1} MB first={first:F3}s warm_median={times[times.Count / 2]:F3}s warm_min={times[0]:F3}s");
        Console.WriteLine($"rss_before={rssBefore / 1e6:F1} MB peak_delta_first_load={(peakAfterFirst - rssBefore) / 1e6:F1} MB ({(double)(peakAfterFirst - rssBefore) / fileSize:F2}x file)");
    }

    private static long ReadStatusKb(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        throw new InvalidOperationException($"/proc/self/status has no {field}.");
    }
}
