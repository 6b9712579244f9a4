using System.Text.Json;
using DistilBert.Sharp.Hub;

namespace ImdbFineTune;

/// <summary>
/// Decides which failures are the user's to fix (a wrong path, a corrupt file, no network) and so deserve one clear
/// line instead of a stack trace. Anything else is a bug and keeps its stack trace.
/// </summary>
internal static class UserFacingError
{
    public static bool IsExpected(Exception ex) => ex is IOException or UnauthorizedAccessException or JsonException
        or InvalidDataException or HttpRequestException or ArgumentException or FormatException or NotSupportedException
        || ex.GetType().Namespace?.StartsWith("DistilBert.Sharp", StringComparison.Ordinal) == true;

    public static string Describe(Exception ex)
    {
        string message = ex.Message.ReplaceLineEndings(" ");
        string hint = ex switch
        {
            DirectoryNotFoundException or FileNotFoundException =>
                " Check --model (a local folder with config.json, model.safetensors and vocab.txt, or a hub id) and --data (an aclImdb folder or aclImdb_v1.tar.gz).",
            // Data errors say what is wrong and what to do themselves (and never to delete the user's own file).
            HubOfflineException or HttpRequestException or HubException { StatusCode: null, InnerException: HttpRequestException or IOException } =>
                (ex is HubOfflineException ? "" : " No network?") + " Use local files: --data <aclImdb folder or aclImdb_v1.tar.gz> and --model <folder with config.json, model.safetensors and vocab.txt>"
                + " (or --train-file <your .csv/.jsonl> instead of --data).",
            _ => "",
        };
        return message + hint;
    }
}
