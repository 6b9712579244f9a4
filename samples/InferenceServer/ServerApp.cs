using DistilBert.Sharp.Hosting;
using DistilBert.Sharp.Inference.Batching;
using DistilBert.Sharp.Runtime;
using Microsoft.AspNetCore.Diagnostics;
using OpenTelemetry.Metrics;

namespace InferenceServer;

/// <summary>Builds the server: configuration, services, middleware and routes. Tests start it in-process on port 0.</summary>
public static class ServerApp
{
    /// <summary>Builds the application from <paramref name="args"/> (command-line configuration overrides appsettings.json and the environment).</summary>
    /// <exception cref="InvalidOperationException">Neither an embedding nor a classification model is configured.</exception>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var server = builder.Configuration.GetSection("Server").Get<ServerOptions>() ?? new ServerOptions();
        builder.Services.Configure<ServerOptions>(builder.Configuration.GetSection("Server"));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = server.MaxRequestBodyBytes);

        CpuTuning.UseThroughputAllocator();
        if (server.TorchThreads is int threads) CpuTuning.SetTorchThreads(threads);

        var embeddings = builder.Configuration.GetSection("Embeddings");
        var classifier = builder.Configuration.GetSection("Classifier");
        bool hasEmbeddings = !string.IsNullOrWhiteSpace(embeddings["ModelPath"]);
        bool hasClassifier = !string.IsNullOrWhiteSpace(classifier["ModelPath"]);
        if (!hasEmbeddings && !hasClassifier)
            throw new InvalidOperationException("Configure a model: Embeddings:ModelPath and/or Classifier:ModelPath (appsettings.json, environment or command line).");
        // TEI's semantics: /embed normalises when the request asks (default true), so the model returns raw pooled
        // vectors; /predict returns every label, best first.
        if (hasEmbeddings) builder.Services.AddSentenceEmbeddings(embeddings).PostConfigure<SentenceEmbeddingsOptions>(o => o.Normalize = false);
        if (hasClassifier) builder.Services.AddTextClassifier(classifier).PostConfigure<TextClassifierOptions>(o => o.TopK = null);

        builder.Services.AddProblemDetails();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(BatchingMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());

        var app = builder.Build();
        // Unhandled exceptions become a bare 500 problem (no stack trace, no paths); known ones map to TEI's 4xx/5xx.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = error => error is TeiError tei ? tei.Status : StatusCodes.Status500InternalServerError,
            ExceptionHandler = async context =>
            {
                var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                var result = error is null ? null : TeiError.FromException(error);
                result ??= TeiError.Problem(StatusCodes.Status500InternalServerError, "backend", "Inference failed");
                await result.ExecuteAsync(context);
            },
        });
        app.UseStatusCodePages();
        if (!string.IsNullOrEmpty(server.ApiKey))
        {
            var check = new ApiKeyCheck(server.ApiKey);
            app.Use((context, next) => check.InvokeAsync(context, () => next(context)));
        }
        app.MapPrometheusScrapingEndpoint("/metrics");
        TeiEndpoints.Map(app);
        return app;
    }
}
