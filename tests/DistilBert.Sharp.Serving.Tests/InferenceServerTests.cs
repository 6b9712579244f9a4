using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Inference.Batching;
using DistilBert.Sharp.Inference.Embeddings;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using InferenceServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace DistilBert.Sharp.Serving.Tests;

/// <summary>
/// The sample server, started for real on a loopback port (port 0) with a tiny model written by the test: every
/// TEI route, every bad request (4xx with a problem-details body, never a 500), the API key, graceful shutdown.
/// </summary>
[Collection(TorchRngCollection.Name)]
public sealed class InferenceServerTests : IAsyncLifetime
{
    private const string ApiKey = "s3cret-key";
    private readonly TempDirectory _temp = new();
    private string _model = "";

    public Task InitializeAsync()
    {
        _model = TinyImdb.WriteModel(_temp.Combine("tiny"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    private async Task<(WebApplication App, HttpClient Client)> StartAsync(params string[] extra)
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0", "--environment", "Production",
            "--Embeddings:ModelPath", _model, "--Classifier:ModelPath", _model,
            "--Server:MaxClientBatchSize", "4", "--Server:MaxRequestBodyBytes", "4096",
            "--Logging:LogLevel:Default", "Warning", .. extra,
        ];
        var app = ServerApp.Build(args);
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(30) });
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ReadJson(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Every_route_answers_with_TEI_shapes()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        using var __ = client;

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        var info = await ReadJson(await client.GetAsync("/info"));
        Assert.Equal("tiny", info.GetProperty("model_id").GetString());
        Assert.Equal("mean", info.GetProperty("model_type").GetProperty("embedding").GetProperty("pooling").GetString());
        Assert.Equal("LABEL_1", info.GetProperty("model_type").GetProperty("classifier").GetProperty("id2label").GetProperty("1").GetString());
        Assert.Equal(64, info.GetProperty("max_input_length").GetInt32());
        Assert.Equal(4, info.GetProperty("max_client_batch_size").GetInt32());

        // /embed: one string → one vector, normalised by default; an array → one vector each; normalize=false → raw pooled.
        using var pipeline = SentenceEmbeddingPipeline.FromPretrained(_model, new SentenceEmbeddingOptions { Normalize = false });
        string[] texts = ["the film was good", "awful boring plot"];
        var one = await ReadJson(await client.PostAsync("/embed", Json("""{"inputs": "the film was good"}""")));
        float[] unit = one[0].EnumerateArray().Select(x => x.GetSingle()).ToArray();
        float[] raw = pipeline.Embed(texts[0]);
        double norm = Math.Sqrt(raw.Sum(x => (double)x * x));
        Assert.Equal(32, unit.Length);
        for (int d = 0; d < raw.Length; d++) Assert.Equal(raw[d] / norm, unit[d], 5);
        var many = await ReadJson(await client.PostAsync("/embed", Json("""{"inputs": ["the film was good", "awful boring plot"], "normalize": false}""")));
        Assert.Equal(2, many.GetArrayLength());
        for (int i = 0; i < 2; i++)
        {
            float[] expected = pipeline.Embed(texts[i]);
            float[] actual = many[i].EnumerateArray().Select(x => x.GetSingle()).ToArray();
            for (int d = 0; d < expected.Length; d++) Assert.Equal(expected[d], actual[d], 5);
        }

        // /predict: a string → [{score, label}] best first; a batch [[s], [s]] → one list each.
        using var model = DistilBertForSequenceClassification.FromPretrained(_model);
        var classifier = new TextClassificationPipeline(model, TinyImdb.Tokenizer(_model), new TextClassificationPipelineOptions { TopK = null });
        var single = await ReadJson(await client.PostAsync("/predict", Json("""{"inputs": "the film was good"}""")));
        var expectedScores = classifier.Predict("the film was good");
        Assert.Equal(2, single.GetArrayLength());
        for (int k = 0; k < 2; k++)
        {
            Assert.Equal(expectedScores[k].Label, single[k].GetProperty("label").GetString());
            Assert.Equal(expectedScores[k].Score, single[k].GetProperty("score").GetSingle(), 5);
        }
        var batch = await ReadJson(await client.PostAsync("/predict", Json("""{"inputs": [["the film was good"], ["awful"]]}""")));
        Assert.Equal(2, batch.GetArrayLength());
        Assert.Equal(classifier.Predict("awful")[0].Label, batch[1][0].GetProperty("label").GetString());

        var metrics = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        string scrape = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("distilbert_batch_size_bucket", scrape);
        Assert.Contains("batcher=\"embed\"", scrape);
    }

    [Fact]
    public async Task Bad_requests_get_4xx_problem_details_without_internals()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        using var __ = client;
        string tooLong = string.Join(' ', Enumerable.Repeat("the film was good", 30));   // 120 tokens > 64
        var cases = new (string Route, HttpContent Content, HttpStatusCode Status, string ErrorType, string Fragment)[]
        {
            ("/embed", Json("{\"inputs\": "), HttpStatusCode.BadRequest, "validation", "JSON"),
            ("/embed", Json("""{"text": "hello"}"""), HttpStatusCode.UnprocessableEntity, "validation", "missing field `inputs`"),
            ("/embed", Json("""{"inputs": []}"""), HttpStatusCode.BadRequest, "empty", "cannot be empty"),
            ("/embed", Json("""{"inputs": ""}"""), HttpStatusCode.BadRequest, "empty", "cannot be empty"),
            ("/embed", Json("""{"inputs": 5}"""), HttpStatusCode.UnprocessableEntity, "validation", "`inputs` must be"),
            ("/embed", Json("""{"inputs": "a", "normalize": "yes"}"""), HttpStatusCode.UnprocessableEntity, "validation", "`normalize`"),
            ("/embed", Json("""{"inputs": ["a", "b", "c", "d", "e"]}"""), HttpStatusCode.UnprocessableEntity, "validation", "batch size 5 > maximum allowed batch size 4"),
            ("/embed", Json($$"""{"inputs": "{{tooLong}}", "truncate": false}"""), HttpStatusCode.UnprocessableEntity, "validation", "must have less than 64 tokens"),
            ("/embed", new StringContent("""{"inputs": "a"}""", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType, "validation", "Content-Type"),
            ("/embed", Json($$"""{"inputs": "{{new string('a', 5000)}}"}"""), HttpStatusCode.RequestEntityTooLarge, "validation", "larger"),
            ("/predict", Json("""{"inputs": []}"""), HttpStatusCode.BadRequest, "empty", "cannot be empty"),
            ("/predict", Json("""{"inputs": ["a", "b"]}"""), HttpStatusCode.UnprocessableEntity, "validation", "pair"),
            ("/predict", Json("""{"inputs": [["a"], 3]}"""), HttpStatusCode.UnprocessableEntity, "validation", "inputs[1]"),
            ("/predict", Json($$"""{"inputs": "{{tooLong}}", "truncate": false}"""), HttpStatusCode.UnprocessableEntity, "validation", "must have less than 64 tokens"),
            ("/predict", Json("""{"inputs": [["a"], ["b"], ["c"], ["d"], ["e"]]}"""), HttpStatusCode.UnprocessableEntity, "validation", "batch size 5"),
            ("/predict", Json("""{"inputs": "a", "raw_scores": true}"""), HttpStatusCode.UnprocessableEntity, "validation", "raw_scores"),
        };
        foreach (var (route, content, status, errorType, fragment) in cases)
        {
            string sent = await content.ReadAsStringAsync();
            var response = await client.PostAsync(route, content);
            string body = await response.Content.ReadAsStringAsync();
            string what = $"{route} {sent[..Math.Min(60, sent.Length)]} → {(int)response.StatusCode} {body}";
            Assert.True(status == response.StatusCode, what);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
            Assert.Equal(errorType, problem.GetProperty("error_type").GetString());
            Assert.Contains(fragment, problem.GetProperty("error").GetString());
            Assert.DoesNotMatch(@"at [\w.`]+\.[\w<>]+\(", body);       // no stack frame
            Assert.DoesNotContain("stack", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(_temp.Path, body);
            Assert.DoesNotContain("Exception", body);
        }
        // Truncation on (the default, as TEI's auto-truncate): the long text is accepted.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/embed", Json($$"""{"inputs": "{{tooLong}}"}"""))).StatusCode);
        var missing = await client.GetAsync("/nowhere");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);   // still up
    }

    [Fact]
    public async Task An_api_key_guards_every_route_but_health_and_metrics()
    {
        var (app, client) = await StartAsync("--Server:ApiKey", ApiKey);
        await using var _ = app;
        using var __ = client;
        var embed = () => Json("""{"inputs": "good"}""");

        var none = await client.PostAsync("/embed", embed());
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(ApiKey, await none.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/info")).StatusCode);

        foreach (string wrong in new[] { "Bearer wrong", "Bearer " + ApiKey + "x", ApiKey, "Basic " + ApiKey })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/embed") { Content = embed() };
            request.Headers.TryAddWithoutValidation("Authorization", wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(request)).StatusCode);
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/embed", embed())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/info")).StatusCode);
        client.DefaultRequestHeaders.Authorization = null;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Shutdown_finishes_in_flight_requests()
    {
        var (app, client) = await StartAsync();
        using var _ = client;
        var generator = app.Services.GetRequiredService<BatchingEmbeddingGenerator>();
        long before = generator.Batcher.ProcessedCount;
        string body = """{"inputs": ["the film was good and the plot was great", "awful", "a story", "loved it"]}""";
        var requests = Enumerable.Range(0, 48).Select(_ => client.PostAsync("/embed", Json(body))).ToArray();
        // Stop once the first batches have run, while others are still queued or in flight.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (generator.Batcher.ProcessedCount == before && DateTime.UtcNow < deadline) await Task.Delay(1);
        await app.StopAsync();
        int ok = 0;
        foreach (var request in requests)
        {
            try
            {
                var response = await request;
                // In-flight requests finish normally; none fails with a server error.
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{response.StatusCode}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    ok++;
                    Assert.Equal(4, (await ReadJson(response)).GetArrayLength());
                }
            }
            catch (HttpRequestException)
            {
                // Connections Kestrel had not accepted before it stopped listening.
            }
        }
        Assert.True(ok >= 1);
        Assert.Equal(0, generator.Batcher.QueuedCount);
        await app.DisposeAsync();
    }
}
