namespace DistilBert.Sharp.Tokenization;

/// <summary>
/// The DistilBERT / BERT WordPiece tokenizer, giving the same ids as HF <c>transformers</c>' <c>DistilBertTokenizer</c>
/// (HF's <c>BasicTokenizer</c> + <c>WordpieceTokenizer</c>), with HF's padding and truncation options.
/// </summary>
/// <remarks>Immutable and thread-safe: one instance can serve many threads.</remarks>
public sealed class DistilBertTokenizer
{
    private readonly TokenizerSettings _settings;
    private readonly WordPieceVocabulary _vocab;
    private readonly WordPieceEncoder _encoder;
    private readonly SequenceBuilder _builder;
    private readonly HashSet<int> _specialIds;
    private readonly bool[] _isContinuation;

    private DistilBertTokenizer(TokenizerSettings settings, WordPieceVocabulary vocab, List<(string Token, int Id)> addedTokens)
    {
        _settings = settings;
        _vocab = vocab;
        UnkTokenId = RequireId(settings.UnkToken, "unk_token");
        ClsTokenId = RequireId(settings.ClsToken, "cls_token");
        SepTokenId = RequireId(settings.SepToken, "sep_token");
        PadTokenId = RequireId(settings.PadToken, "pad_token");
        MaskTokenId = RequireId(settings.MaskToken, "mask_token");
        AllSpecialIds = settings.AllSpecialTokens.Select(t => RequireId(t, "special token")).Distinct().ToArray();
        _specialIds = [.. AllSpecialIds];
        _isContinuation = new bool[vocab.Size];
        for (int id = 0; id < _isContinuation.Length; id++)
            _isContinuation[id] = vocab.TryGetToken(id)?.StartsWith(vocab.ContinuationPrefix, StringComparison.Ordinal) == true;
        var normalizer = new CharNormalizer(settings.DoLowerCase, settings.EffectiveStripAccents);
        _encoder = new WordPieceEncoder(vocab, normalizer, new SpecialTokenMatcher(addedTokens), settings.TokenizeChineseChars,
            UnkTokenId, settings.MaxInputCharsPerWord);
        _builder = new SequenceBuilder(ClsTokenId, SepTokenId, PadTokenId, settings.ModelMaxLength, _isContinuation);
    }

    /// <summary>Id of the padding token ("[PAD]").</summary>
    public int PadTokenId { get; }

    /// <summary>Id of the classification token ("[CLS]") that starts every sequence.</summary>
    public int ClsTokenId { get; }

    /// <summary>Id of the separator token ("[SEP]") that ends each text.</summary>
    public int SepTokenId { get; }

    /// <summary>Id of the mask token ("[MASK]") used by masked language modelling.</summary>
    public int MaskTokenId { get; }

    /// <summary>Id of the unknown token ("[UNK]").</summary>
    public int UnkTokenId { get; }

    /// <summary>The ids of all special tokens (unk, sep, pad, cls, mask, then any additional ones).</summary>
    public IReadOnlyList<int> AllSpecialIds { get; }

    /// <summary>Size of the vocabulary (largest id + 1), HF's <c>vocab_size</c>.</summary>
    public int VocabSize => _vocab.Size;

    /// <summary>The longest input the model accepts (<c>model_max_length</c>); <see cref="int.MaxValue"/> when the files do not say.</summary>
    public int ModelMaxLength => _settings.ModelMaxLength;

    /// <summary>Whether text is lowercased (<c>do_lower_case</c>).</summary>
    public bool DoLowerCase => _settings.DoLowerCase;

    /// <summary>Whether accents are stripped (<c>strip_accents</c>, which follows <see cref="DoLowerCase"/> when unset).</summary>
    public bool StripAccents => _settings.EffectiveStripAccents;

    /// <summary>
    /// Loads a tokenizer from a folder as HF's <c>save_pretrained</c> writes it: <c>tokenizer_config.json</c> and
    /// <c>vocab.txt</c>, or <c>tokenizer.json</c> when <c>vocab.txt</c> is absent.
    /// </summary>
    /// <param name="pathOrHubId">A local folder, or a Hub repository id (downloaded into, or reused from, the HF cache).</param>
    /// <param name="hubOptions">Hub endpoint, token, cache folder, revision and offline mode; null = defaults from the environment.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">Neither vocab.txt nor tokenizer.json is there.</exception>
    /// <exception cref="InvalidDataException">A file is malformed or lacks a special token; the message names it.</exception>
    public static DistilBertTokenizer FromPretrained(string pathOrHubId, Hub.HubOptions? hubOptions = null)
    {
        string directory = TokenizerFiles.ResolvePretrainedDirectory(pathOrHubId, hubOptions);
        var (settings, vocab, added) = TokenizerFiles.Load(directory);
        return new DistilBertTokenizer(settings, vocab, added);
    }

    /// <summary>
    /// Writes <c>vocab.txt</c>, <c>tokenizer_config.json</c>, <c>special_tokens_map.json</c> and the fast tokenizer's
    /// <c>tokenizer.json</c>, loadable by HF (slow and fast) and by runtimes that read only <c>tokenizer.json</c>.
    /// </summary>
    public void SavePretrained(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        TokenizerFiles.Save(directory, _settings, _vocab);
    }

    /// <summary>Encodes one text into a one-row <see cref="BatchEncoding"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public BatchEncoding Encode(string text, EncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return EncodeCore([text], null, options ?? EncodeOptions.Default, CancellationToken.None);
    }

    /// <summary>Encodes a text pair (<c>[CLS] A [SEP] B [SEP]</c>) into a one-row <see cref="BatchEncoding"/>.</summary>
    public BatchEncoding Encode(string text, string textPair, EncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(textPair);
        return EncodeCore([text], [textPair], options ?? EncodeOptions.Default, CancellationToken.None);
    }

    /// <summary>Encodes many texts, on all cores for large batches; row order always follows <paramref name="texts"/>.</summary>
    public BatchEncoding EncodeBatch(IReadOnlyList<string> texts, EncodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return EncodeCore(texts, null, options ?? EncodeOptions.Default, cancellationToken);
    }

    /// <summary>Encodes many text pairs (<paramref name="texts"/>[i] with <paramref name="textPairs"/>[i]).</summary>
    public BatchEncoding EncodeBatch(IReadOnlyList<string> texts, IReadOnlyList<string> textPairs, EncodeOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(textPairs);
        if (texts.Count != textPairs.Count)
            throw new ArgumentException($"{texts.Count} texts but {textPairs.Count} text pairs; they must match one to one.", nameof(textPairs));
        return EncodeCore(texts, textPairs, options ?? EncodeOptions.Default, cancellationToken);
    }

    /// <summary>
    /// Encodes a text already split into words (HF <c>is_split_into_words=True</c>): each word is tokenized on its own
    /// (and may still split at punctuation), and <see cref="BatchEncoding.WordIds"/> gives the index of the caller's
    /// word. Offsets, when requested, are relative to each word, as in HF.
    /// </summary>
    /// <exception cref="ArgumentNullException">The list or one of its words is null.</exception>
    public BatchEncoding EncodeWords(IReadOnlyList<string> words, EncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(words);
        return EncodeWordsBatch([words], options);
    }

    /// <summary>Encodes many pre-split texts (see <see cref="EncodeWords"/>); row order follows <paramref name="sentences"/>.</summary>
    public BatchEncoding EncodeWordsBatch(IReadOnlyList<IReadOnlyList<string>> sentences, EncodeOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        options ??= EncodeOptions.Default;
        int? truncateTo = _builder.Validate(options, isPair: false);
        var rows = new List<EncodedRow>(sentences.Count);
        var mapping = options.ReturnOverflowingTokens ? new List<int>() : null;
        for (int i = 0; i < sentences.Count; i++)
        {
            if ((i & 63) == 0) cancellationToken.ThrowIfCancellationRequested();
            var words = sentences[i] ?? throw new ArgumentNullException(nameof(sentences), $"Example {i} is null.");
            var buffer = TokenBuffer.Rent(0);
            for (int w = 0; w < words.Count; w++)
            {
                string word = words[w] ?? throw new ArgumentNullException(nameof(sentences), $"Example {i}: word {w} is null.");
                int mark = buffer.Count;
                _encoder.Encode(word, buffer);
                buffer.Words.AsSpan(mark, buffer.Count - mark).Fill(w); // Encode grows Words with Ids
                buffer.HasWords = true;
            }
            if (mapping is null) rows.Add(_builder.Build(buffer, null, options, truncateTo, i));
            else
            {
                var windows = _builder.BuildWindows(buffer, null, options, truncateTo!.Value, i);
                rows.AddRange(windows);
                mapping.AddRange(Enumerable.Repeat(i, windows.Count));
            }
        }
        return Assemble(rows.ToArray(), options, overflowToSampleMapping: mapping?.ToArray());
    }

    /// <summary>
    /// The ids of one text, with [CLS]/[SEP] unless <paramref name="addSpecialTokens"/> is false, and no truncation or
    /// padding: the cheapest way to pre-tokenize a corpus.
    /// </summary>
    public int[] EncodeToIds(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var buffer = TokenBuffer.Rent();
        if (addSpecialTokens) buffer.Add(ClsTokenId, 0, 0);
        _encoder.Encode(text, buffer);
        if (addSpecialTokens) buffer.Add(SepTokenId, 0, 0);
        return buffer.IdsToArray();
    }

    /// <summary>
    /// Turns texts tokenized earlier with <see cref="EncodeToIds"/>(text, addSpecialTokens: false) into a batch:
    /// special tokens, truncation and padding exactly as <see cref="EncodeBatch(IReadOnlyList{string}, EncodeOptions?, CancellationToken)"/>
    /// would apply them to the texts (HF's <c>prepare_for_model</c> + <c>pad</c>). Lets a data collator tokenize a corpus
    /// once and build each batch cheaply. Offsets are not available here.
    /// </summary>
    /// <exception cref="ArgumentException">Offsets were requested, or an id is outside the vocabulary.</exception>
    public BatchEncoding PrepareForModel(IReadOnlyList<int[]> tokenIds, EncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        options ??= EncodeOptions.Default;
        if (options.ReturnOffsets)
            throw new ArgumentException("ReturnOffsets needs the texts; use EncodeBatch for offsets.", nameof(options));
        if (options.ReturnOverflowingTokens)
            throw new ArgumentException("ReturnOverflowingTokens is supported by EncodeBatch, not PrepareForModel.", nameof(options));
        int? truncateTo = _builder.Validate(options, isPair: false);
        var rows = new EncodedRow[tokenIds.Count];
        var buffer = TokenBuffer.Rent(0);
        for (int i = 0; i < rows.Length; i++)
        {
            int[] ids = tokenIds[i] ?? throw new ArgumentNullException(nameof(tokenIds), $"Row {i} is null.");
            foreach (int id in ids)
            {
                if ((uint)id >= (uint)_vocab.Size)
                    throw new ArgumentException($"Row {i} has token id {id}, outside the vocabulary (size {_vocab.Size}).", nameof(tokenIds));
            }
            buffer.Load(ids);
            rows[i] = _builder.Build(buffer, null, options, truncateTo, i);
        }
        return Assemble(rows, options, wordsKnown: false);
    }

    /// <summary>The WordPiece tokens of a text, without special tokens (HF <c>tokenize</c>).</summary>
    public IReadOnlyList<string> Tokenize(string text) => ConvertIdsToTokens(EncodeToIds(text, addSpecialTokens: false));

    /// <summary>The token string of each id.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in the vocabulary.</exception>
    public IReadOnlyList<string> ConvertIdsToTokens(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids.Select(TokenOf).ToArray();
    }

    /// <summary>The id of each token string; tokens not in the vocabulary map to <see cref="UnkTokenId"/>, as in HF.</summary>
    public IReadOnlyList<int> ConvertTokensToIds(IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return tokens.Select(t => _vocab.TryGetId(t) ?? UnkTokenId).ToArray();
    }

    /// <summary>
    /// Turns ids back into text as HF's <c>decode</c> does: pieces joined with spaces, "##" continuations glued, special
    /// tokens dropped when <paramref name="skipSpecialTokens"/>, and spaces before punctuation removed when
    /// <paramref name="cleanUpTokenizationSpaces"/> (default: the tokenizer's <c>clean_up_tokenization_spaces</c>).
    /// Lowercasing and accent stripping are not undone.
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false, bool? cleanUpTokenizationSpaces = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = ids.Where(id => !skipSpecialTokens || !_specialIds.Contains(id)).Select(TokenOf);
        return TokenDecoder.Decode(tokens, _vocab.ContinuationPrefix, cleanUpTokenizationSpaces ?? _settings.CleanUpTokenizationSpaces);
    }

    /// <summary>Decodes int64 ids (as tensors hold them); see <see cref="Decode(IEnumerable{int}, bool, bool?)"/>.</summary>
    public string Decode(IEnumerable<long> ids, bool skipSpecialTokens = false, bool? cleanUpTokenizationSpaces = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Decode(ids.Select(id => id is < 0 or > int.MaxValue
            ? throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} is not in the vocabulary (size {_vocab.Size}).")
            : (int)id), skipSpecialTokens, cleanUpTokenizationSpaces);
    }

    private string TokenOf(int id) => _vocab.TryGetToken(id)
        ?? throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is not in the vocabulary (size {_vocab.Size}).");

    private int RequireId(string token, string role) => _vocab.TryGetId(token)
        ?? throw new InvalidDataException($"The {role} '{token}' is not in the vocabulary.");

    private BatchEncoding EncodeCore(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, EncodeOptions options, CancellationToken ct)
    {
        int? truncateTo = _builder.Validate(options, pairs is not null);
        // Null checks up front, so a bad row fails with a plain ArgumentNullException rather than from inside Parallel.For.
        for (int i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null) throw new ArgumentNullException(nameof(texts), $"Text {i} is null.");
            if (pairs is not null && pairs[i] is null) throw new ArgumentNullException(nameof(pairs), $"Text pair {i} is null.");
        }
        var rows = new EncodedRow[texts.Count];
        var windows = options.ReturnOverflowingTokens ? new List<EncodedRow>[texts.Count] : null;
        void EncodeRow(int i)
        {
            string text = texts[i];
            string? pair = pairs?[i];
            var first = TokenBuffer.Rent(0);
            _encoder.Encode(text, first);
            TokenBuffer? second = null;
            if (pair is not null)
            {
                second = TokenBuffer.Rent(1);
                _encoder.Encode(pair, second);
            }
            if (windows is not null) windows[i] = _builder.BuildWindows(first, second, options, truncateTo!.Value, i);
            else rows[i] = _builder.Build(first, second, options, truncateTo, i);
        }

        // Rows are independent; large batches use every core. Each row lands at its own index, so the output order
        // (and content) is the same as a sequential run.
        if (texts.Count >= ParallelThreshold && Environment.ProcessorCount > 1)
        {
            try
            {
                Parallel.For(0, texts.Count, new ParallelOptions { CancellationToken = ct }, EncodeRow);
            }
            catch (AggregateException ex) when (ex.InnerExceptions.Count >= 1 && ex.InnerExceptions[0] is ArgumentException)
            {
                // Surface the row's own error (e.g. truncation impossible) as the sequential path would.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
                throw;
            }
        }
        else
            for (int i = 0; i < texts.Count; i++)
            {
                if ((i & 63) == 0) ct.ThrowIfCancellationRequested();
                EncodeRow(i);
            }
        return windows is null ? Assemble(rows, options) : AssembleWindows(windows, options);
    }

    /// <summary>Flattens each input's windows in order and records which input each row came from.</summary>
    private BatchEncoding AssembleWindows(List<EncodedRow>[] windows, EncodeOptions options)
    {
        var mapping = new List<int>();
        for (int i = 0; i < windows.Length; i++) mapping.AddRange(Enumerable.Repeat(i, windows[i].Count));
        return Assemble(windows.SelectMany(w => w).ToArray(), options, overflowToSampleMapping: mapping.ToArray());
    }

    /// <summary>Batches smaller than this are encoded on the calling thread (thread hand-off would cost more).</summary>
    internal const int ParallelThreshold = 32;

    private BatchEncoding Assemble(EncodedRow[] rows, EncodeOptions options, bool wordsKnown = true, int[]? overflowToSampleMapping = null)
    {
        var masks = new int[rows.Length][];
        if (_builder.PaddedLength(options, rows) is int length)
            for (int i = 0; i < rows.Length; i++) rows[i] = _builder.Pad(rows[i], length, out masks[i]);
        else
            for (int i = 0; i < rows.Length; i++)
            {
                masks[i] = new int[rows[i].Ids.Length];
                masks[i].AsSpan().Fill(1);
            }
        return new BatchEncoding(
            rows.Select(r => r.Ids).ToArray(), masks,
            options.ReturnTokenTypeIds ? rows.Select(r => r.TypeIds!).ToArray() : null,
            options.ReturnSpecialTokensMask ? rows.Select(r => r.SpecialMask!).ToArray() : null,
            options.ReturnOffsets ? rows.Select(r => r.Offsets!).ToArray() : null,
            rows.Select(r => r.WordIds).ToArray(),
            rows.Select(r => r.Layout).ToArray(),
            wordsKnown ? _isContinuation : null,
            overflowToSampleMapping);
    }
}
