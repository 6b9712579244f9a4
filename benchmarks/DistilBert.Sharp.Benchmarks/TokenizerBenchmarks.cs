using BenchmarkDotNet.Attributes;
using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Benchmarks;

/// <summary>
/// Tokenizing 1,000 IMDb reviews (from ../shared/data) with this library and with FastBertTokenizer 1.2.6, one thread:
/// <c>dotnet run -c Release --project benchmarks/DistilBert.Sharp.Benchmarks -- --filter *TokenizerBenchmarks*</c>.
/// The full 50,000-review, all-core comparison is the <c>tokenizer-compare</c> command.
/// </summary>
[MemoryDiagnoser]
public class TokenizerBenchmarks
{
    private string[] _texts = [];
    private DistilBertTokenizer _ours = null!;
    private FastBertTokenizer.BertTokenizer _fast = null!;
    private readonly EncodeOptions _training = new()
    {
        Padding = PaddingStrategy.Longest, Truncation = TruncationStrategy.LongestFirst, MaxLength = 512,
    };

    /// <summary>Loads the reviews and both tokenizers.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string shared = TokenizerData.SharedRoot();
        string modelDir = Path.Combine(shared, "models", "distilbert-base-uncased");
        _texts = TokenizerData.ReadLabeledReviews(Path.Combine(shared, "data", "aclImdb_v1.tar.gz"), 1000).ToArray();
        _ours = DistilBertTokenizer.FromPretrained(modelDir);
        _fast = new FastBertTokenizer.BertTokenizer();
        using var vocab = File.OpenText(Path.Combine(modelDir, "vocab.txt"));
        _fast.LoadVocabulary(vocab, convertInputToLowercase: true);
    }

    /// <summary>FastBertTokenizer, full length, one text at a time.</summary>
    [Benchmark(Baseline = true)]
    public long FastBertTokenizer_Encode()
    {
        long n = 0;
        foreach (string text in _texts) n += _fast.Encode(text, maximumTokens: 8192).InputIds.Length;
        return n;
    }

    /// <summary>This library's ids-only path, full length, one text at a time.</summary>
    [Benchmark]
    public long DistilBertSharp_EncodeToIds()
    {
        long n = 0;
        foreach (string text in _texts) n += _ours.EncodeToIds(text).Length;
        return n;
    }

    /// <summary>This library's batch path as a data collator uses it (truncate to 512, pad to longest), 32 texts a batch.</summary>
    [Benchmark]
    public long DistilBertSharp_EncodeBatch_Truncate512_PadLongest()
    {
        long n = 0;
        for (int i = 0; i < _texts.Length; i += 32)
            n += _ours.EncodeBatch(_texts.AsSpan(i, Math.Min(32, _texts.Length - i)).ToArray(), _training).InputIds[0].Length;
        return n;
    }
}
