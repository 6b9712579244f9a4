using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DistilBert.Sharp.Data;
using DistilBert.Sharp.Tokenization;
using Microsoft.AspNetCore.Builder;

namespace DistilBert.Sharp.Benchmarks;

/// <summary>
/// <c>serve-load</c>: N concurrent HTTP clients for T seconds against the sample TEI server (started in this process on
/// a loopback port, port 0), with dynamic batching on (max batch 32) and off (max batch 1), one after the other in one
/// run so both see the same machine load. Prints requests/s, texts/s, p50/p95/p99 latency and the mean batch size
/// (from the server's own /metrics), with the CPU model/flags and the load average. Bounded in time and requests.
/// </summary>
/// <remarks>
/// Usage: <c>serve-load --route embed|predict --model DIR --imdb aclImdb_v1.tar.gz|aclImdb [--texts short|imdb]
/// [--clients 32] [--seconds 15] [--max-requests 200000] [--max-length 128] [--max-batch 32] [--repeat 1] [--torch-threads N] [--max-batch-tokens N]</c>.
/// Short texts are IMDb test-review sentences of 6 to 30 tokens; IMDb texts are whole reviews, truncated to --max-length.
/// </remarks>
internal static partial class ServeLoadTest
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = ParseArgs(args);
        string route = options.GetValueOrDefault("route", "embed");
        string model = options["model"];
        string kind = options.GetValueOrDefault("texts", "short");
        int clients = int.Parse(options.GetValueOrDefault("clients", "32"), CultureInfo.InvariantCulture);
        double seconds = double.Parse(options.GetValueOrDefault("seconds", "15"), CultureInfo.InvariantCulture);
        long maxRequests = long.Parse(options.GetValueOrDefault("max-requests", "200000"), CultureInfo.InvariantCulture);
        int maxLength = int.Parse(options.GetValueOrDefault("max-length", "128"), CultureInfo.InvariantCulture);
        int maxBatch = int.Parse(options.GetValueOrDefault("max-batch", "32"), CultureInfo.InvariantCulture);
        int repeat = int.Parse(options.GetValueOrDefault("repeat", "1"), CultureInfo.InvariantCulture);
        string? torchThreads = options.GetValueOrDefault("torch-threads");
        string? maxBatchTokens = options.GetValueOrDefault("max-batch-tokens");

        var texts = await LoadTextsAsync(options["imdb"], kind, DistilBertTokenizer.FromPretrained(model));
        Console.WriteLine($"CPU: {CpuDescription()}");
        Console.WriteLine($"serve-load: POST /{route}, model {Path.GetFileName(Path.TrimEndingDirectorySeparator(model))}, {texts.Count} {kind} texts, "
                          + $"max length {maxLength}, {clients} clients, {seconds} s per run (max {maxRequests} requests), torch threads {torchThreads ?? "default"}, max batch tokens {maxBatchTokens ?? "server default"}");
        var results = new List<(int Batch, Measurement M)>();
        // On and off alternate, so on a shared machine both sides see the same load; each pair gives one ratio.
        foreach (int batch in Enumerable.Range(0, repeat).SelectMany(_ => new[] { maxBatch, 1 }))
        {
            Console.WriteLine($"load before run: {File.ReadAllText("/proc/loadavg").Trim()}");
            var m = await MeasureAsync(route, model, texts, clients, seconds, maxRequests, maxLength, batch, torchThreads, maxBatchTokens);
            results.Add((batch, m));
            Console.WriteLine($"  max batch {batch,2}: {m.Requests / m.Seconds,8:F1} req/s {m.Texts / m.Seconds,8:F1} texts/s  "
                              + $"p50 {m.P50,7:F1} ms  p95 {m.P95,7:F1} ms  p99 {m.P99,7:F1} ms  mean batch {m.MeanBatch,5:F1}  "
                              + $"({m.Requests} requests in {m.Seconds:F1} s, {m.Failures} failures)");
        }
        Console.WriteLine($"load after runs: {File.ReadAllText("/proc/loadavg").Trim()}");
        for (int pair = 0; pair < repeat; pair++)
        {
            var on = results[2 * pair].M;
            var off = results[2 * pair + 1].M;
            Console.WriteLine($"pair {pair + 1}: dynamic batching / batch-1 texts/s = {on.Texts / on.Seconds / (off.Texts / off.Seconds):F2}x");
        }
        return 0;
    }

    private sealed record Measurement(long Requests, long Texts, long Failures, double Seconds, double P50, double P95, double P99, double MeanBatch);

    private static async Task<Measurement> MeasureAsync(string route, string model, IReadOnlyList<string> texts, int clients,
        double seconds, long maxRequests, int maxLength, int maxBatch, string? torchThreads, string? maxBatchTokens)
    {
        string section = route == "embed" ? "Embeddings" : "Classifier";
        var app = InferenceServer.ServerApp.Build(
        [
            "--urls", "http://127.0.0.1:0", "--environment", "Production", "--Logging:LogLevel:Default", "Warning",
            $"--{section}:ModelPath", model, $"--{section}:MaxLength", maxLength.ToString(CultureInfo.InvariantCulture),
            $"--{section}:MaxBatchSize", maxBatch.ToString(CultureInfo.InvariantCulture), $"--{section}:QueueCapacity", "4096",
            .. (torchThreads is null ? Array.Empty<string>() : ["--Server:TorchThreads", torchThreads]),
            .. (maxBatchTokens is null ? Array.Empty<string>() : [$"--{section}:MaxBatchTokens", maxBatchTokens]),
        ]);
        await app.StartAsync();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                BaseAddress = new Uri(app.Urls.Single()),
                Timeout = TimeSpan.FromSeconds(120),
            };
            // Warm-up: every client once, so JIT, connections and allocator caches are in place before timing.
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => PostAsync(http, route, texts[c % texts.Count])));
            var (sum0, count0) = await BatchStatsAsync(http, route);

            long issued = 0, failures = 0;
            var latencies = new List<double>[clients];
            var clock = Stopwatch.StartNew();
            var stopAt = TimeSpan.FromSeconds(seconds);
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                var mine = latencies[c] = [];
                while (clock.Elapsed < stopAt)
                {
                    long n = Interlocked.Increment(ref issued);
                    if (n > maxRequests) break;
                    long started = Stopwatch.GetTimestamp();
                    bool ok = await PostAsync(http, route, texts[(int)(n % texts.Count)]);
                    if (ok) mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    else Interlocked.Increment(ref failures);
                }
            })));
            double elapsed = clock.Elapsed.TotalSeconds;
            var (sum1, count1) = await BatchStatsAsync(http, route);
            var all = latencies.SelectMany(l => l).Order().ToArray();
            double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)];
            return new Measurement(all.Length, all.Length, failures, elapsed, Percentile(0.50), Percentile(0.95), Percentile(0.99),
                count1 > count0 ? (sum1 - sum0) / (count1 - count0) : double.NaN);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<bool> PostAsync(HttpClient http, string route, string text)
    {
        using var content = new StringContent(JsonSerializer.Serialize(new { inputs = text, truncate = true }), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync("/" + route, content);
        await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode;
    }

    /// <summary>Sum and count of the server's batch-size histogram for the route's batcher, from its Prometheus text.</summary>
    private static async Task<(double Sum, double Count)> BatchStatsAsync(HttpClient http, string route)
    {
        string batcher = route == "embed" ? "embed" : "classify";
        string text = await http.GetStringAsync("/metrics");
        double Read(string suffix)
        {
            var match = Regex.Match(text, $@"^distilbert_batch_size_{suffix}\{{[^}}]*batcher=""{batcher}""[^}}]*\}} (\S+)", RegexOptions.Multiline);
            return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        }
        return (Read("sum"), Read("count"));
    }

    private static async Task<IReadOnlyList<string>> LoadTextsAsync(string imdb, string kind, DistilBertTokenizer tokenizer)
    {
        string aclImdb = Directory.Exists(imdb) ? imdb
            : await ImdbDataset.EnsureAsync(imdb, Path.Combine(Path.GetTempPath(), "distilbert-sharp-serve-load"), progress: null);
        var reviews = ImdbDataset.LoadSplit(aclImdb, "test").Select(r => r.Text.Replace("<br />", " ")).Take(4000).ToList();
        if (kind == "imdb") return reviews.Take(2000).ToList();
        // Short texts: single sentences of 6-30 tokens (search queries, chat messages).
        return reviews.SelectMany(r => SentenceSplit().Split(r))
            .Where(s => tokenizer.EncodeToIds(s, addSpecialTokens: false).Length is >= 6 and <= 30)
            .Take(2000).ToList();
    }

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceSplit();

    private static string CpuDescription()
    {
        string[] cpuinfo = File.ReadAllLines("/proc/cpuinfo");
        string model = cpuinfo.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var flags = (cpuinfo.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(':', 2)[1] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var relevant = flags.Where(f => f is "avx2" or "fma" or "avx512f" or "avx512_bf16" or "avx512_vnni" or "amx_bf16" or "amx_tile").ToArray();
        return $"{model}, {Environment.ProcessorCount} logical cores, flags: {string.Join(' ', relevant)}";
    }

    private static Dictionary<string, string> ParseArgs(string[] args)
    {
        var result = new Dictionary<string, string>();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Expected --name value, got '{args[i]}'.");
            result[args[i][2..]] = args[i + 1];
        }
        foreach (string required in new[] { "model", "imdb" })
        {
            if (!result.ContainsKey(required)) throw new ArgumentException($"--{required} is required. Usage: serve-load --route embed|predict --model DIR --imdb aclImdb_v1.tar.gz [--texts short|imdb] [--clients 32] [--seconds 15]");
        }
        return result;
    }
}
