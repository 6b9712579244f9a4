using System.Text;

namespace DistilBert.Sharp.Tokenization;

/// <summary>Writes files so that a crash never leaves a half-written file under the final name.</summary>
internal static class AtomicFile
{
    /// <summary>Writes UTF-8 text (no BOM) to a temp file beside <paramref name="path"/>, then renames it over.</summary>
    public static void WriteAllText(string path, string content)
    {
        string temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            File.WriteAllText(temp, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
