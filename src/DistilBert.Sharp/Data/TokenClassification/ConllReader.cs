namespace DistilBert.Sharp.Data;

/// <summary>
/// Reads CoNLL-format token-classification files (CoNLL-2003, WNUT, ...): one token per line, columns separated by
/// whitespace, the word first and the tag last; a blank line ends a sentence; <c>-DOCSTART-</c> lines are skipped.
/// </summary>
public static class ConllReader
{
    /// <summary>Reads the sentences of a CoNLL file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A non-blank line has fewer than two columns; the message names the file and line.</exception>
    public static async Task<IReadOnlyList<LabeledWords>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"CoNLL file {path} does not exist.", path);
        using var reader = new StreamReader(path);
        return await ReadAsync(reader, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the sentences from <paramref name="reader"/>; <paramref name="sourceName"/> names it in errors.</summary>
    public static async Task<IReadOnlyList<LabeledWords>> ReadAsync(TextReader reader, string sourceName = "input", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var sentences = new List<LabeledWords>();
        var words = new List<string>();
        var labels = new List<string>();
        int lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is string line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith("-DOCSTART-", StringComparison.Ordinal))
            {
                Flush();
                continue;
            }
            var columns = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length < 2)
                throw new InvalidDataException($"{sourceName}, line {lineNumber}: expected 'word ... tag' but found '{line}'.");
            words.Add(columns[0]);
            labels.Add(columns[^1]);
        }
        Flush();
        return sentences;

        void Flush()
        {
            if (words.Count == 0) return;
            sentences.Add(new LabeledWords(words.ToArray(), labels.ToArray()));
            words.Clear();
            labels.Clear();
        }
    }
}
