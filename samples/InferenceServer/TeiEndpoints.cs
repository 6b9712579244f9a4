using System.Text.Json;
using DistilBert.Sharp.Hosting;
using DistilBert.Sharp.Inference.Batching;
using DistilBert.Sharp.Tokenization;
using Microsoft.Extensions.Options;

namespace InferenceServer;

/// <summary>TEI's routes and JSON shapes (huggingface/text-embeddings-inference, router/src/http).</summary>
internal static class TeiEndpoints
{
    public static void Map(WebApplication app)
    {
        // Known failures (bad input, overload, shutdown) answer here as TEI does, without reaching the exception
        // handler (which would log them as server errors).
        var routes = app.MapGroup("").AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (Exception error) when (TeiError.FromException(error) is { } answer)
            {
                return answer;
            }
        });
        routes.MapPost("/embed", EmbedAsync);
        routes.MapPost("/predict", PredictAsync);
        routes.MapGet("/info", Info);
        routes.MapGet("/health", (IHostApplicationLifetime lifetime) => lifetime.ApplicationStopping.IsCancellationRequested
            ? TeiError.Problem(StatusCodes.Status503ServiceUnavailable, "unhealthy", "unhealthy")
            : Results.Ok());
    }

    /// <summary><c>POST /embed</c>: <c>{"inputs": string | [string], "truncate"?: bool, "normalize"?: bool = true}</c> → <c>[[float]]</c>.</summary>
    private static async Task<IResult> EmbedAsync(HttpContext context, IOptions<ServerOptions> server)
    {
        var generator = context.RequestServices.GetService<BatchingEmbeddingGenerator>();
        var info = context.RequestServices.GetService<SentenceEmbeddingsInfo>();
        if (generator is null || info is null)
            return TeiError.Problem(StatusCodes.Status424FailedDependency, "backend", "No embedding model is configured on this server");
        var root = await RequestBody.ReadObjectAsync(context.Request, context.RequestAborted);
        var texts = RequestBody.Inputs(root, server.Value.MaxClientBatchSize);
        bool truncate = RequestBody.Bool(root, "truncate", server.Value.AutoTruncate);
        bool normalize = RequestBody.Bool(root, "normalize", true);
        if (!truncate) CheckLengths(texts, info);
        var vectors = await generator.EmbedBatchAsync(texts, context.RequestAborted);
        if (normalize)
        {
            foreach (var vector in vectors) L2Normalize(vector);
        }
        return Results.Json(vectors);
    }

    /// <summary>
    /// <c>POST /predict</c>: <c>{"inputs": string | [string] | [[string]], "truncate"?: bool, "raw_scores"?: false}</c> →
    /// <c>[{"score", "label"}]</c> for one input, <c>[[{"score", "label"}]]</c> for a batch; labels best first.
    /// </summary>
    private static async Task<IResult> PredictAsync(HttpContext context, IOptions<ServerOptions> server)
    {
        var classifier = context.RequestServices.GetService<BatchingTextClassifier>();
        var info = context.RequestServices.GetService<TextClassifierInfo>();
        if (classifier is null || info is null)
            return TeiError.Problem(StatusCodes.Status424FailedDependency, "backend", "No classification model is configured on this server");
        var root = await RequestBody.ReadObjectAsync(context.Request, context.RequestAborted);
        var (texts, isBatch) = PredictInputs(root);
        RequestBody.CheckBatch(texts, server.Value.MaxClientBatchSize);
        if (RequestBody.Bool(root, "raw_scores", false))
            throw TeiError.Validation("`raw_scores` is not supported by this server: scores are softmax probabilities");
        if (!RequestBody.Bool(root, "truncate", server.Value.AutoTruncate)) CheckLengths(texts, info);
        var results = await classifier.ClassifyBatchAsync(texts, context.RequestAborted);
        var shaped = results.Select(r => r.Select(p => new Prediction(p.Score, p.Label)).ToArray()).ToArray();
        return isBatch ? Results.Json(shaped) : Results.Json(shaped[0]);
    }

    private sealed record Prediction(float Score, string Label);

    /// <summary>TEI's <c>PredictInput</c>: a string; [string] (one) or [string, string] (a pair); or a batch [[string] | [string, string], ...].</summary>
    private static (List<string> Texts, bool IsBatch) PredictInputs(JsonElement root)
    {
        if (!root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind == JsonValueKind.Null)
            throw TeiError.Validation("Failed to deserialize the JSON body: missing field `inputs`");
        if (inputs.ValueKind == JsonValueKind.String) return ([inputs.GetString()!], false);
        if (inputs.ValueKind != JsonValueKind.Array)
            throw TeiError.Validation("Failed to deserialize the JSON body: `inputs` must be a string, a pair of strings or a batch");
        var items = inputs.EnumerateArray().ToList();
        if (items.Count == 0) throw TeiError.Empty("`inputs` cannot be empty");
        if (items[0].ValueKind == JsonValueKind.String)
            return ([Sequence(items, "inputs")], false);
        return (items.Select((item, i) => item.ValueKind == JsonValueKind.Array
            ? Sequence(item.EnumerateArray().ToList(), $"inputs[{i}]")
            : throw TeiError.Validation($"Failed to deserialize the JSON body: `inputs[{i}]` must be an array of one string")).ToList(), true);
    }

    private static string Sequence(List<JsonElement> parts, string where)
    {
        if (parts.Count == 2) throw TeiError.Validation($"`{where}` is a text pair; this server's classifiers take single texts");
        if (parts.Count != 1 || parts[0].ValueKind != JsonValueKind.String)
            throw TeiError.Validation($"Failed to deserialize the JSON body: `{where}` must hold one string");
        return parts[0].GetString()!;
    }

    private static void CheckLengths(IReadOnlyList<string> texts, HostedModelInfo info)
    {
        foreach (string text in texts)
        {
            int tokens = info.Tokenizer.EncodeToIds(text).Length;
            if (tokens > info.MaxInputLength)
                throw TeiError.Validation($"`inputs` must have less than {info.MaxInputLength} tokens. Given: {tokens}");
        }
    }

    private static void L2Normalize(float[] vector)
    {
        double sum = 0;
        foreach (float x in vector) sum += (double)x * x;
        float scale = (float)(1 / Math.Max(Math.Sqrt(sum), 1e-12));
        for (int i = 0; i < vector.Length; i++) vector[i] *= scale;
    }

    /// <summary><c>GET /info</c>: TEI's <c>Info</c>. With both models configured, <c>model_type</c> names both.</summary>
    private static IResult Info(HttpContext context, IOptions<ServerOptions> server)
    {
        var embeddings = context.RequestServices.GetService<SentenceEmbeddingsInfo>();
        var classifier = context.RequestServices.GetService<TextClassifierInfo>();
        HostedModelInfo primary = (HostedModelInfo?)embeddings ?? classifier!;
        var modelType = new Dictionary<string, object>();
        if (embeddings is not null) modelType["embedding"] = new { pooling = embeddings.Pooling.ToString().ToLowerInvariant() };
        if (classifier is not null)
        {
            modelType["classifier"] = new
            {
                id2label = classifier.Labels.ToDictionary(kv => kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv => kv.Value),
                label2id = classifier.Labels.ToDictionary(kv => kv.Value, kv => kv.Key),
            };
        }
        var batching = primary is SentenceEmbeddingsInfo
            ? context.RequestServices.GetRequiredService<BatchingEmbeddingGenerator>().Batcher.Options
            : context.RequestServices.GetRequiredService<BatchingTextClassifier>().Batcher.Options;
        return Results.Json(new Dictionary<string, object?>
        {
            ["model_id"] = primary.ModelId,
            ["model_sha"] = null,
            ["model_dtype"] = "float32",
            ["model_type"] = modelType,
            ["max_concurrent_requests"] = batching.QueueCapacity,
            ["max_input_length"] = primary.MaxInputLength,
            ["max_batch_tokens"] = batching.MaxBatchSize * primary.MaxInputLength,
            ["max_batch_requests"] = batching.MaxBatchSize,
            ["max_client_batch_size"] = server.Value.MaxClientBatchSize,
            ["auto_truncate"] = server.Value.AutoTruncate,
            ["tokenization_workers"] = 1,
            ["version"] = typeof(DistilBertTokenizer).Assembly.GetName().Version?.ToString(3),
            ["sha"] = null,
            ["docker_label"] = null,
        });
    }
}
