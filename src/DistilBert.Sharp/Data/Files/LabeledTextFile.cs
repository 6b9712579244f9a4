using System.Globalization;
using System.Text;

namespace DistilBert.Sharp.Data;

/// <summary>
/// Loads a labelled text-classification file: CSV/TSV with a header row (<see cref="LoadCsv"/>) or JSON Lines
/// (<see cref="LoadJsonLines"/>), the two formats HF's <c>run_glue.py</c> accepts with <c>--train_file</c>. Labels may
/// be strings (<c>positive</c>) or integers; they are mapped to ids 0…n−1. Every error names the file and the line.
/// </summary>
public static class LabeledTextFile
{
    // Strict UTF-8: a file in another encoding fails loudly (naming the file) instead of turning into mojibake.
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Loads <paramref name="path"/> by its extension: <c>.csv</c>/<c>.tsv</c> as CSV, <c>.json</c>/<c>.jsonl</c> as JSON Lines.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A record is malformed or lacks a column/key; the message names the file and line.</exception>
    /// <exception cref="NotSupportedException">The extension is none of the above.</exception>
    public static LabeledTextFileData Load(string path, LabeledTextFileOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" or ".tsv" => LoadCsv(path, options, cancellationToken),
            ".json" or ".jsonl" => LoadJsonLines(path, options, cancellationToken),
            string ext => throw new NotSupportedException(
                $"'{Path.GetFullPath(path)}': unsupported extension '{ext}'; use a .csv/.tsv file with a header row or a .jsonl/.json file with one object per line."),
        };
    }

    /// <summary>
    /// Reads a CSV (or TSV) file with a header row; the text and label columns are found by name, quoted fields may hold
    /// separators, quotes (<c>""</c>) and line breaks (RFC 4180).
    /// </summary>
    /// <inheritdoc cref="Load" path="/exception"/>
    public static LabeledTextFileData LoadCsv(string path, LabeledTextFileOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LabeledTextFileOptions();
        string full = RequireFile(path);
        char separator = options.Separator ?? (full.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',');
        return Build(full, CsvRecords.Read(full, separator, options, cancellationToken), options);
    }

    /// <summary>Reads JSON Lines: one object per line with the text and label keys; blank lines are skipped.</summary>
    /// <inheritdoc cref="Load" path="/exception"/>
    public static LabeledTextFileData LoadJsonLines(string path, LabeledTextFileOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LabeledTextFileOptions();
        string full = RequireFile(path);
        return Build(full, JsonLinesRecords.Read(full, options, cancellationToken), options);
    }

    private static string RequireFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"The data file '{full}' does not exist.", full);
        return full;
    }

    /// <summary>Maps raw labels to ids: the given names, or the sorted distinct labels of the file (HF run_glue's rule).</summary>
    private static LabeledTextFileData Build(string path, List<RawRecord> records, LabeledTextFileOptions options)
    {
        if (records.Count == 0) throw new InvalidDataException($"'{path}' holds no examples.");
        IReadOnlyList<string> names = options.LabelNames ?? SortedDistinct(records.Select(r => r.Label));
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            if (!ids.TryAdd(names[i], i)) throw new ArgumentException($"Label names must be distinct; '{names[i]}' appears twice.", nameof(options));
        }
        var examples = new List<LabeledText>(records.Count);
        foreach (var r in records)
        {
            if (!ids.TryGetValue(r.Label, out int id))
                throw new InvalidDataException($"{path}, line {r.Line}: label '{r.Label}' is not one of the known labels ({string.Join(", ", names)}).");
            examples.Add(new LabeledText(r.Text, id, $"line {r.Line}", path));
        }
        return new LabeledTextFileData(examples, names);
    }

    private static IReadOnlyList<string> SortedDistinct(IEnumerable<string> labels)
    {
        var distinct = labels.Distinct(StringComparer.Ordinal).ToList();
        bool allIntegers = distinct.All(l => long.TryParse(l, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
        return allIntegers
            ? distinct.OrderBy(l => long.Parse(l, CultureInfo.InvariantCulture)).ToList()
            : distinct.Order(StringComparer.Ordinal).ToList();
    }
}

/// <summary>One record before label mapping: its text, its label as written, and the (first) line it starts on.</summary>
internal readonly record struct RawRecord(string Text, string Label, long Line);
