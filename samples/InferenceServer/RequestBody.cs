using System.Text.Json;

namespace InferenceServer;

/// <summary>Reads and checks a JSON request body, turning every problem into a <see cref="TeiError"/> (a 4xx), never a 500.</summary>
internal static class RequestBody
{
    public static async Task<JsonElement> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
            throw new TeiError(StatusCodes.Status415UnsupportedMediaType, "validation", "Expected request with `Content-Type: application/json`");
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 8 }, cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw TeiError.Validation("Failed to deserialize the JSON body: expected an object");
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            // The parser's message names line and byte position, nothing of the server.
            throw new TeiError(StatusCodes.Status400BadRequest, "validation", $"Failed to parse the request body as JSON: {e.Message}");
        }
    }

    /// <summary>TEI's <c>Input</c>: one string or an array of strings.</summary>
    public static List<string> Inputs(JsonElement root, int maxBatch)
    {
        if (!root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind == JsonValueKind.Null)
            throw TeiError.Validation("Failed to deserialize the JSON body: missing field `inputs`");
        List<string> texts = inputs.ValueKind switch
        {
            JsonValueKind.String => [inputs.GetString()!],
            JsonValueKind.Array => inputs.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.String
                ? e.GetString()!
                : throw TeiError.Validation($"Failed to deserialize the JSON body: `inputs[{i}]` must be a string")).ToList(),
            _ => throw TeiError.Validation("Failed to deserialize the JSON body: `inputs` must be a string or an array of strings"),
        };
        CheckBatch(texts, maxBatch);
        return texts;
    }

    public static void CheckBatch(IReadOnlyList<string> texts, int maxBatch)
    {
        if (texts.Count == 0 || texts.Any(t => t.Length == 0)) throw TeiError.Empty("`inputs` cannot be empty");
        if (texts.Count > maxBatch) throw TeiError.Validation($"batch size {texts.Count} > maximum allowed batch size {maxBatch}");
    }

    public static bool Bool(JsonElement root, string name, bool fallback) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? fallback
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw TeiError.Validation($"Failed to deserialize the JSON body: `{name}` must be a boolean");
}
