namespace InferenceServer;

/// <summary>
/// TEI-compatible inference server (see README.md): configuration from appsettings.json, environment variables
/// (<c>Embeddings__ModelPath=...</c>) and the command line (<c>--Embeddings:ModelPath ...</c>).
/// </summary>
public static class Program
{
    /// <summary>Runs the server until Ctrl+C / SIGTERM, then finishes in-flight requests and drains the batch queues.</summary>
    public static async Task Main(string[] args)
    {
        var app = ServerApp.Build(args);
        await app.RunAsync();
    }
}
