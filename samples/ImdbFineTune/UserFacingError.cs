using System.Text.Json;

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
            InvalidDataException => " The file looks corrupt: delete it (or the cache folder) and run again.",
            HttpRequestException => " No network? Pass --data with a local aclImdb folder or archive, and --model with a local folder.",
            _ => "",
        };
        return message + hint;
    }
}
