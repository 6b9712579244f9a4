using System.Diagnostics;
using DistilBert.Sharp.Tokenization;
using FastBertTokenizer;

namespace DistilBert.Sharp.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/DistilBert.Sharp.Benchmarks -- tokenizer-compare [--limit N] [--repeat R]</c>:
/// tokenizes all 50,000 labeled IMDb reviews at full length (no truncation), single-threaded and on all cores, with
/// this library and with FastBertTokenizer 1.2.6 on the same texts in the same process, and prints tokens/s and the
/// speed ratio. Each figure is the best of R timed passes after one warm-up pass.
/// </summary>
public static class TokenizerComparison
{
    /// <summary>Runs the comparison and prints a table to stdout.</summary>
    public static int Run(string[] args)
    {
        int limit = ArgValue(args, "--limit") ?? int.MaxValue;
        int repeat = ArgValue(args, "--repeat") ?? 3;
        string shared = TokenizerData.SharedRoot();
        string modelDir = Path.Combine(shared, "models", "distilbert-base-uncased");
        var sw = Stopwatch.StartNew();
        string[] texts = TokenizerData.ReadLabeledReviews(Path.Combine(shared, "data", "aclImdb_v1.tar.gz"), limit).ToArray();
        long chars = texts.Sum(t => (long)t.Length);
        Console.WriteLine($"Read {texts.Length:N0} reviews ({chars / 1e6:F1} M chars) in {sw.Elapsed.TotalSeconds:F1} s; {Environment.ProcessorCount} logical cores; {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");

        var ours = DistilBertTokenizer.FromPretrained(modelDir);
        var fast = new BertTokenizer();
        using (var vocab = File.OpenText(Path.Combine(modelDir, "vocab.txt")))
            fast.LoadVocabulary(vocab, convertInputToLowercase: true);

        // Parity first: how many reviews get the same ids from both (FastBertTokenizer is not HF-exact on every text).
        int maxTokens = texts.Max(t => ours.EncodeToIds(t).Length) + 16;
        long ourTokens = 0, sameIds = 0;
        foreach (string text in texts)
        {
            int[] a = ours.EncodeToIds(text);
            ourTokens += a.Length;
            var (ids, _, _) = fast.Encode(text, maximumTokens: maxTokens);
            if (ids.Length == a.Length && ids.Span.SequenceEqual(Array.ConvertAll(a, x => (long)x))) sameIds++;
        }
        Console.WriteLine($"Tokens (ours, with [CLS]/[SEP]): {ourTokens:N0}; longest review {maxTokens - 16} tokens; identical ids from FastBertTokenizer on {sameIds:N0} of {texts.Length:N0} reviews");

        double oursSingle = Best(repeat, () => { long n = 0; foreach (string t in texts) n += ours.EncodeToIds(t).Length; return n; });
        double fastSingle = Best(repeat, () => { long n = 0; foreach (string t in texts) n += fast.Encode(t, maximumTokens: maxTokens).InputIds.Length; return n; });
        double oursParallel = Best(repeat, () =>
        {
            long n = 0;
            Parallel.For(0, texts.Length, () => 0L, (i, _, local) => local + ours.EncodeToIds(texts[i]).Length, local => Interlocked.Add(ref n, local));
            return n;
        });
        double oursBatch = Best(repeat, () => ours.EncodeBatch(texts).InputIds.Sum(r => (long)r.Length));
        double fastParallel = Best(repeat, () =>
        {
            long n = 0;
            Parallel.For(0, texts.Length, () => (new long[maxTokens], new long[maxTokens], 0L), (i, _, state) =>
            {
                // The span overload writes into caller buffers, so it is safe to call from several threads.
                int written = fast.Encode(texts[i], state.Item1, state.Item2);
                return (state.Item1, state.Item2, state.Item3 + written);
            }, state => Interlocked.Add(ref n, state.Item3));
            return n;
        });

        double Rate(double seconds) => ourTokens / seconds;
        Console.WriteLine();
        Console.WriteLine($"{"configuration",-48} {"seconds",8} {"tokens/s",14} {"vs FastBert",12}");
        Print("DistilBert.Sharp EncodeToIds, 1 thread", oursSingle, fastSingle);
        Print("FastBertTokenizer 1.2.6 Encode, 1 thread", fastSingle, fastSingle);
        Print($"DistilBert.Sharp EncodeToIds, Parallel.For", oursParallel, fastParallel);
        Print($"DistilBert.Sharp EncodeBatch (all cores)", oursBatch, fastParallel);
        Print($"FastBertTokenizer 1.2.6 Encode, Parallel.For", fastParallel, fastParallel);
        Console.WriteLine();
        Console.WriteLine($"Single-threaded speed ratio (ours / FastBertTokenizer): {fastSingle / oursSingle:F2}x");
        Console.WriteLine($"All-core speed ratio (ours Parallel.For / FastBertTokenizer Parallel.For): {fastParallel / oursParallel:F2}x");
        return 0;

        void Print(string name, double seconds, double reference) =>
            Console.WriteLine($"{name,-48} {seconds,8:F3} {Rate(seconds),14:N0} {reference / seconds,11:F2}x");
    }

    /// <summary>One warm-up pass, then the fastest of <paramref name="repeat"/> timed passes, in seconds.</summary>
    private static double Best(int repeat, Func<long> pass)
    {
        pass();
        double best = double.MaxValue;
        for (int r = 0; r < repeat; r++)
        {
            GC.Collect();
            var sw = Stopwatch.StartNew();
            long tokens = pass();
            sw.Stop();
            if (tokens <= 0) throw new InvalidOperationException("No tokens produced.");
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static int? ArgValue(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : null;
    }
}
