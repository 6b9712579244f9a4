using System.Text;
using nietras.SeparatedValues;

namespace DistilBert.Sharp.Data;

/// <summary>
/// The CSV side of <see cref="LabeledTextFile"/>, on the Sep library rather than a hand-written parser. Sep was chosen
/// over CsvHelper: it is MIT-licensed with no dependencies, handles RFC 4180 quoting (separators, doubled quotes and
/// line breaks inside quoted fields) with <c>Unescape</c>, and reports the line span of every row, which the error
/// messages need; CsvHelper 34 is a fresh rewrite whose API is new.
/// </summary>
internal static class CsvRecords
{
    public static List<RawRecord> Read(string path, char separator, LabeledTextFileOptions options, CancellationToken cancellationToken)
    {
        try
        {
            using var text = new StreamReader(path, LabeledTextFile.StrictUtf8, detectEncodingFromByteOrderMarks: true);
            using var reader = Sep.New(separator).Reader(o => o with { Unescape = true, HasHeader = true, DisableColCountCheck = true }).From(text);
            var header = reader.Header;
            int textCol = Column(header, options.TextColumn, path, "text");
            int labelCol = Column(header, options.LabelColumn, path, "label");
            var records = new List<RawRecord>();
            foreach (var row in reader)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long line = row.LineNumberFrom;
                if (row.ColCount != header.ColNames.Count)
                    throw new InvalidDataException($"{path}, line {line}: {row.ColCount} field(s) but the header has {header.ColNames.Count} " +
                        "(a separator inside a text must be quoted: \"a, b\").");
                string label = row[labelCol].ToString().Trim();
                if (label.Length == 0) throw new InvalidDataException($"{path}, line {line}: the label column '{options.LabelColumn}' is empty.");
                records.Add(new RawRecord(row[textCol].ToString(), label, line));
            }
            return records;
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith(path, StringComparison.Ordinal))
        {
            // Sep's own messages (e.g. an unterminated quote) say the row and lines, not the file.
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvalidDataException($"{path} is not valid UTF-8 ({ex.Message}). Save it as UTF-8 and try again.", ex);
        }
    }

    private static int Column(SepReaderHeader header, string name, string path, string role)
    {
        if (header.TryIndexOf(name, out int index)) return index;
        throw new InvalidDataException($"{path}, line 1: the header has no {role} column '{name}' (columns: {string.Join(", ", header.ColNames)}). " +
            $"Name the column with {(role == "text" ? "--text-column" : "--label-column")} / LabeledTextFileOptions.{(role == "text" ? "TextColumn" : "LabelColumn")}.");
    }
}
