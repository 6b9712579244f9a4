using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DistilBert.Sharp.Data;

/// <summary>The JSON Lines side of <see cref="LabeledTextFile"/>: one JSON object per line, System.Text.Json per line.</summary>
internal static class JsonLinesRecords
{
    public static List<RawRecord> Read(string path, LabeledTextFileOptions options, CancellationToken cancellationToken)
    {
        var records = new List<RawRecord>();
        long line = 0;
        try
        {
            using var reader = new StreamReader(path, LabeledTextFile.StrictUtf8, detectEncodingFromByteOrderMarks: true);
            while (reader.ReadLine() is { } content)
            {
                line++;
                cancellationToken.ThrowIfCancellationRequested();
                if (string.IsNullOrWhiteSpace(content)) continue;
                using var doc = JsonDocument.Parse(content);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new InvalidDataException($"{path}, line {line}: expected a JSON object, got {doc.RootElement.ValueKind}.");
                string text = doc.RootElement.TryGetProperty(options.TextColumn, out var t) && t.ValueKind == JsonValueKind.String
                    ? t.GetString()!
                    : throw new InvalidDataException($"{path}, line {line}: no string '{options.TextColumn}' key (keys: {Keys(doc.RootElement)}).");
                if (!doc.RootElement.TryGetProperty(options.LabelColumn, out var l))
                    throw new InvalidDataException($"{path}, line {line}: no '{options.LabelColumn}' key (keys: {Keys(doc.RootElement)}).");
                records.Add(new RawRecord(text, Label(l, path, line, options.LabelColumn), line));
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}, line {line}: invalid JSON ({ex.Message}).", ex);
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvalidDataException($"{path} is not valid UTF-8 near line {line} ({ex.Message}). Save it as UTF-8 and try again.", ex);
        }
        return records;
    }

    private static string Label(JsonElement value, string path, long line, string key) => value.ValueKind switch
    {
        JsonValueKind.String when value.GetString()!.Trim().Length > 0 => value.GetString()!.Trim(),
        JsonValueKind.Number when value.TryGetInt64(out long n) => n.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.True or JsonValueKind.False => value.GetBoolean() ? "true" : "false",
        _ => throw new InvalidDataException($"{path}, line {line}: '{key}' must be a label name or an integer id, got {value.GetRawText()}."),
    };

    private static string Keys(JsonElement obj) => string.Join(", ", obj.EnumerateObject().Select(p => p.Name));
}
