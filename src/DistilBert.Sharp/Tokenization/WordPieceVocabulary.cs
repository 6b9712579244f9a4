using System.Text;
using DistilBert.Sharp.IO;

namespace DistilBert.Sharp.Tokenization;

/// <summary>
/// A WordPiece vocabulary: token strings and their ids, with span lookups that allocate nothing.
/// </summary>
/// <remarks>
/// Continuation pieces ("##ing") are also indexed without their prefix in a second dictionary, so the greedy matcher
/// looks up a slice of the word directly instead of building "##" + slice for every candidate.
/// </remarks>
internal sealed class WordPieceVocabulary
{
    private readonly Dictionary<string, int> _tokenToId;
    private readonly SpanIdMap _wholeLookup;
    private readonly SpanIdMap _continuationLookup;
    private readonly string?[] _idToToken;

    private WordPieceVocabulary(IEnumerable<KeyValuePair<string, int>> entries, string continuationPrefix, string source)
    {
        ContinuationPrefix = continuationPrefix;
        _tokenToId = new Dictionary<string, int>(StringComparer.Ordinal);
        var continuations = new Dictionary<string, int>(StringComparer.Ordinal);
        int maxId = -1;
        foreach (var (token, id) in entries)
        {
            if (id < 0) throw new InvalidDataException($"{source}: token '{token}' has negative id {id}.");
            _tokenToId[token] = id; // later duplicates win, as in HF's load_vocab
            maxId = Math.Max(maxId, id);
        }
        if (_tokenToId.Count == 0) throw new InvalidDataException($"{source}: the vocabulary is empty.");
        _idToToken = new string?[maxId + 1];
        foreach (var (token, id) in _tokenToId)
        {
            _idToToken[id] = token;
            if (token.Length > continuationPrefix.Length && token.StartsWith(continuationPrefix, StringComparison.Ordinal))
            {
                continuations[token[continuationPrefix.Length..]] = id;
                MaxContinuationLength = Math.Max(MaxContinuationLength, token.Length - continuationPrefix.Length);
            }
            MaxTokenLength = Math.Max(MaxTokenLength, token.Length);
        }
        _wholeLookup = new SpanIdMap(_tokenToId.Where(e => e.Key.Length > 0).ToArray());
        _continuationLookup = new SpanIdMap(continuations);
    }

    /// <summary>The prefix of continuation pieces ("##").</summary>
    public string ContinuationPrefix { get; }

    /// <summary>Size of the id space (largest id + 1), HF's <c>vocab_size</c>.</summary>
    public int Size => _idToToken.Length;

    /// <summary>Longest token in chars: no word-initial match can be longer.</summary>
    public int MaxTokenLength { get; }

    /// <summary>Longest continuation piece in chars, without the prefix.</summary>
    public int MaxContinuationLength { get; }

    /// <summary>Loads HF's <c>vocab.txt</c>: one token a line, the id is the line number.</summary>
    public static WordPieceVocabulary FromVocabFile(string path, string continuationPrefix = "##")
    {
        // File.ReadLines splits on \n, \r\n and \r like Python's universal-newline readlines() that HF uses.
        var entries = File.ReadLines(path, Encoding.UTF8).Select((token, index) => new KeyValuePair<string, int>(token, index));
        return new WordPieceVocabulary(entries, continuationPrefix, path);
    }

    /// <summary>Builds a vocabulary from explicit entries (tokenizer.json's <c>model.vocab</c>).</summary>
    public static WordPieceVocabulary FromEntries(IEnumerable<KeyValuePair<string, int>> entries, string continuationPrefix, string source) =>
        new(entries, continuationPrefix, source);

    /// <summary>Looks up a whole token (a word-initial piece), or -1.</summary>
    public int Lookup(ReadOnlySpan<char> token) => _wholeLookup.Find(token);

    /// <summary>Looks up a continuation piece given without its prefix, or -1.</summary>
    public int LookupContinuation(ReadOnlySpan<char> pieceWithoutPrefix) => _continuationLookup.Find(pieceWithoutPrefix);

    /// <summary>The id of a token string, or null.</summary>
    public int? TryGetId(string token) => _tokenToId.TryGetValue(token, out int id) ? id : null;

    /// <summary>The token string of an id, or null for an id that no token uses.</summary>
    public string? TryGetToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    /// <summary>Writes HF's <c>vocab.txt</c> (tokens in id order), via a temp file and a rename.</summary>
    public void Save(string path)
    {
        for (int id = 0; id < _idToToken.Length; id++)
        {
            if (_idToToken[id] is null)
                throw new InvalidOperationException($"Cannot write {path}: no token has id {id}, and vocab.txt cannot express gaps.");
        }
        AtomicFile.WriteAllText(path, string.Join("\n", _idToToken) + "\n");
    }
}
