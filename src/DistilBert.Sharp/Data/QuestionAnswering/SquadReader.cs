using System.Text.Json;

namespace DistilBert.Sharp.Data;

/// <summary>
/// Reads SQuAD-format JSON (v1.1 and v2.0): <c>{"data": [{"paragraphs": [{"context": ..., "qas": [{"id", "question",
/// "answers": [{"text", "answer_start"}], "is_impossible"}]}]}]}</c>. Unanswerable v2 questions get no answers.
/// </summary>
public static class SquadReader
{
    /// <summary>Reads the examples of a SQuAD file, in file order.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The JSON is malformed or lacks a required field; the message names the file and the question.</exception>
    public static async Task<IReadOnlyList<QuestionAnsweringExample>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"SQuAD file {path} does not exist.", path);
        await using var stream = File.OpenRead(path);
        return await ReadAsync(stream, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the examples from a stream; <paramref name="sourceName"/> names it in errors.</summary>
    public static async Task<IReadOnlyList<QuestionAnsweringExample>> ReadAsync(Stream stream, string sourceName = "input", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{sourceName}: not valid JSON ({ex.Message}).", ex);
        }
        using (document)
        {
            var examples = new List<QuestionAnsweringExample>();
            try
            {
                foreach (var article in Required(document.RootElement, "data", sourceName).EnumerateArray())
                foreach (var paragraph in Required(article, "paragraphs", sourceName).EnumerateArray())
                {
                    string context = Required(paragraph, "context", sourceName).GetString()!;
                    foreach (var qa in Required(paragraph, "qas", sourceName).EnumerateArray())
                    {
                        string id = qa.TryGetProperty("id", out var idElement) ? idElement.ToString() : examples.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        string where = $"{sourceName}, question '{id}'";
                        bool impossible = qa.TryGetProperty("is_impossible", out var flag) && flag.ValueKind == JsonValueKind.True;
                        var answers = new List<AnswerSpan>();
                        if (!impossible && qa.TryGetProperty("answers", out var list))
                            foreach (var answer in list.EnumerateArray())
                                answers.Add(new AnswerSpan(Required(answer, "text", where).GetString()!, Required(answer, "answer_start", where).GetInt32()));
                        examples.Add(new QuestionAnsweringExample(id, Required(qa, "question", where).GetString()!, context, answers));
                    }
                }
            }
            catch (InvalidOperationException ex)
            {
                throw new InvalidDataException($"{sourceName}: a field has the wrong JSON type ({ex.Message}).", ex);
            }
            return examples;
        }
    }

    private static JsonElement Required(JsonElement element, string name, string where) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new InvalidDataException($"{where}: missing '{name}'.");
}
