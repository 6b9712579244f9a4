// TEI-compatible inference server (see README.md): configuration from appsettings.json, environment variables
// (Embeddings__ModelPath=...) and the command line (--Embeddings:ModelPath ...).
var app = InferenceServer.ServerApp.Build(args);
await app.RunAsync();
