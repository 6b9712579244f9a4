using System.Buffers.Binary;
using System.Text;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tests.Weights;
using Xunit.Abstractions;
using static DistilBert.Sharp.Tests.Weights.SafetensorsBytes;

namespace DistilBert.Sharp.Tests.Reliability;

/// <summary>
/// The malformed-input corpus (the hand-written cases of <see cref="MalformedSafetensorsCorpus"/> plus generated
/// mutations of valid files, and files truncated right after <c>Open</c>), read in a child process so that a crash is
/// a failure naming the case rather than a lost test run. Each case must read consistently or throw
/// <c>SafetensorsFormatException</c>; the cases the format forbids must be rejected.
/// </summary>
public class MalformedCorpusChildTests(ITestOutputHelper output)
{
    private enum Expect { Reject, Either }

    private sealed record Tensor(string Name, string DType, long[] Shape, int Size)
    {
        public long Bytes => Shape.Aggregate(1L, (a, d) => a * d) * Size;
    }

    // One tensor of each float dtype the converting path handles, an integer and an empty one (between neighbours).
    private static readonly Tensor[] BaseTensors =
    [
        new("a", "F32", [3, 4], 4), new("b", "F16", [5], 2), new("c", "BF16", [2, 3], 2), new("d", "F64", [2], 8),
        new("e", "I64", [1], 8), new("f", "F16", [0], 2), new("g", "BF16", [70_000], 2),
    ];

    private static string HeaderJson(IEnumerable<(Tensor T, long Begin, long End)> entries) =>
        "{\"__metadata__\":{\"format\":\"pt\"}," + string.Join(",", entries.Select(e =>
            $"\"{e.T.Name}\":{{\"dtype\":\"{e.T.DType}\",\"shape\":[{string.Join(",", e.T.Shape)}],\"data_offsets\":[{e.Begin},{e.End}]}}")) + "}";

    private static List<(Tensor T, long Begin, long End)> Tiled()
    {
        long offset = 0;
        return BaseTensors.Select(t => (t, offset, offset += t.Bytes)).ToList();
    }

    private static byte[] RandomBytes(Random rng, long n)
    {
        var data = new byte[n];
        rng.NextBytes(data);
        return data;
    }

    private static List<(string Name, byte[] Bytes, Expect Expect)> Generate()
    {
        var rng = new Random(1818);
        var cases = new List<(string, byte[], Expect)>();
        var tiled = Tiled();
        byte[] data = RandomBytes(rng, tiled[^1].End);
        byte[] valid = Build(HeaderJson(tiled), data);
        int dataStart = valid.Length - data.Length;
        cases.Add(("valid", valid, Expect.Either));

        for (int i = 0; i < 40; i++) // truncations anywhere: the tensors no longer fit
            cases.Add(($"truncated-{i}", valid[..rng.Next(valid.Length)], Expect.Reject));
        for (int i = 0; i < 80; i++) // byte flips anywhere (header or data): either outcome, never another exception
        {
            var b = (byte[])valid.Clone();
            int at = i % 2 == 0 ? rng.Next(8, dataStart) : rng.Next(b.Length);
            b[at] = (byte)rng.Next(256);
            cases.Add(($"flip-{i}", b, Expect.Either));
        }
        for (int i = 0; i < tiled.Count; i++) // offsets pointing into another tensor's bytes
        {
            for (int j = 0; j < tiled.Count; j++)
            {
                if (i == j || tiled[j].T.Bytes < 2) continue;
                var moved = tiled.ToList();
                long begin = tiled[j].Begin + 1;
                moved[i] = (tiled[i].T, begin, begin + tiled[i].T.Bytes);
                if (moved[i].End > data.Length) continue;
                cases.Add(($"into-{tiled[i].T.Name}-{tiled[j].T.Name}", Build(HeaderJson(moved), data), Expect.Reject));
            }
        }
        for (int i = 0; i < tiled.Count; i++) // a hole before tensor i (later tensors shifted, data grown to match)
        {
            int gap = 1 + rng.Next(16);
            var shifted = tiled.Select((e, k) => k >= i ? (e.T, e.Begin + gap, e.End + gap) : e).ToList();
            var grown = Concat(data[..(int)tiled[i].Begin], RandomBytes(rng, gap), data[(int)tiled[i].Begin..]);
            cases.Add(($"hole-before-{tiled[i].T.Name}", Build(HeaderJson(shifted), grown), Expect.Reject));
        }
        foreach (int extra in new[] { 1, 7, 8, 4096 }) // trailing bytes after the last tensor
            cases.Add(($"trailing-{extra}", Concat(valid, RandomBytes(rng, extra)), Expect.Reject));
        foreach (long delta in new long[] { -8, -1, 1, 2, 8, 64 }) // header length off by a few bytes either way
        {
            var b = (byte[])valid.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)(dataStart - 8 + delta));
            cases.Add(($"header-length-{delta:+#;-#}", b, Expect.Reject));
        }
        foreach (ulong declared in new[] { 0UL, 1UL, 2UL, (ulong)valid.Length, uint.MaxValue, ulong.MaxValue })
        {
            var b = (byte[])valid.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(b, declared);
            cases.Add(($"header-length-is-{declared}", b, Expect.Reject));
        }
        foreach (var (t, begin, _) in tiled.Where(e => e.T.Bytes > 2)) // a zero-length tensor inside another one
        {
            var withEmpty = tiled.Append((new Tensor("zz", "F32", [0], 4), begin + 1, begin + 1));
            cases.Add(($"empty-inside-{t.Name}", Build(HeaderJson(withEmpty), data), Expect.Reject));
        }
        // Files truncated right after Open, read through the stored-dtype path and the converting path into F32.
        for (int i = 0; i < 24; i++)
        {
            long cut = dataStart + rng.NextInt64(data.Length);
            cases.Add(($"changed.cut-{cut}.{(i % 2 == 0 ? "f32" : "raw")}", valid, Expect.Either));
        }
        cases.Add(($"changed.cut-{dataStart}.f32", valid, Expect.Reject)); // every tensor with bytes is cut off
        cases.Add(($"changed.cut-0.raw", valid, Expect.Reject));
        return cases;
    }

    [Fact]
    public void Every_corpus_case_reads_consistently_or_is_rejected_with_the_format_exception_and_none_crashes_the_process()
    {
        using var dir = new TempDirectory();
        var expectations = new Dictionary<string, Expect>(StringComparer.Ordinal);
        for (int i = 0; i < MalformedSafetensorsCorpus.All.Count; i++)
        {
            string file = $"corpus-{i:D3}.safetensors";
            File.WriteAllBytes(dir.Combine(file), MalformedSafetensorsCorpus.All[i].Bytes);
            expectations[file] = Expect.Reject;
        }
        foreach (var (name, bytes, expect) in Generate())
        {
            string file = $"gen-{name}.safetensors";
            File.WriteAllBytes(dir.Combine(file), bytes);
            expectations[file] = expect;
        }

        using var child = new ChildProcess("read", dir.Path, "exchange");
        int exit = child.WaitForExit();
        var lines = child.Seen;
        string? crashed = lines.LastOrDefault(l => l.StartsWith("CASE ", StringComparison.Ordinal))?[5..];
        bool finished = lines.Count > 0 && lines[^1] == "DONE";
        Assert.True(exit == 0 && finished,
            $"the reader process died (exit {exit}) on case '{crashed}' ({Describe(crashed)}); stderr: {child.StandardError}");

        var results = lines.Where(l => !l.StartsWith("CASE ", StringComparison.Ordinal) && l != "DONE")
            .Select(l => l.Split(' ', 3)).ToDictionary(p => p[1], p => (Kind: p[0], Detail: p.Length > 2 ? p[2] : ""), StringComparer.Ordinal);
        Assert.Equal(expectations.Keys.Order(StringComparer.Ordinal), results.Keys.Order(StringComparer.Ordinal));
        var failures = new List<string>();
        foreach (var (file, expect) in expectations)
        {
            var (kind, detail) = results[file];
            bool ok = kind == "REJECTED" ? detail.Contains(dir.Combine(file), StringComparison.Ordinal) // names the file
                : kind == "OK" && expect == Expect.Either;
            if (!ok) failures.Add($"{file} ({Describe(file)}): expected {expect}, got {kind} {detail}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        output.WriteLine($"{expectations.Count} cases: {results.Values.Count(r => r.Kind == "REJECTED")} rejected with SafetensorsFormatException, " +
            $"{results.Values.Count(r => r.Kind == "OK")} read consistently, 0 crashes, 0 other exceptions");
    }

    private static string Describe(string? file) =>
        file is not null && file.StartsWith("corpus-", StringComparison.Ordinal) && int.TryParse(file.AsSpan(7, 3), out int i)
            ? MalformedSafetensorsCorpus.All[i].Name
            : file ?? "before the first case";
}
