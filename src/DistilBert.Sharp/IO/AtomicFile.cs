using System.Text;
using System.Text.RegularExpressions;

namespace DistilBert.Sharp.IO;

/// <summary>
/// Writes a file so that a kill at any moment leaves either the old file or the new one under the final name: the
/// content goes to <c>&lt;name&gt;.&lt;8 hex&gt;.tmp</c> beside it, which is renamed over the target when complete.
/// Temporaries that a killed earlier write of the same target left behind are removed by the next write.
/// </summary>
/// <remarks>One writer per target at a time: a concurrent write of the same file may remove the other's temporary.</remarks>
internal static partial class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="write"/>'s output to a temporary file beside <paramref name="path"/>, then renames it over.</summary>
    /// <param name="path">Target file; its folder is created when missing.</param>
    /// <param name="write">Fills the stream (opened for writing, empty).</param>
    /// <param name="flushToDisk">Also flush the OS cache to the device before the rename (survives power loss, not only kills).</param>
    public static void Write(string path, Action<FileStream> write, bool flushToDisk = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        RemoveStaleTemporaries(full);
        string temp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes UTF-8 text (no BOM) atomically.</summary>
    public static void WriteAllText(string path, string content) =>
        Write(path, stream => stream.Write(Utf8NoBom.GetBytes(content)));

    /// <summary>Whether <paramref name="fileName"/> is the temporary of an atomic write (ours or ConfigJson's 32-hex form).</summary>
    public static bool IsTemporaryName(string fileName) => TemporaryName().IsMatch(fileName);

    /// <summary>Deletes temporaries that killed writes of <paramref name="fullPath"/> left beside it.</summary>
    public static void RemoveStaleTemporaries(string fullPath)
    {
        string? dir = Path.GetDirectoryName(fullPath);
        if (string.IsNullOrEmpty(dir) || !Directory.Exists(dir)) return;
        string name = Path.GetFileName(fullPath);
        foreach (string candidate in Directory.EnumerateFiles(dir))
        {
            var match = TemporaryName().Match(Path.GetFileName(candidate));
            if (match.Success && match.Groups["target"].Value == name) TryDelete(candidate);
        }
    }

    /// <summary>Deletes a file, ignoring a file that is gone or cannot be deleted (best effort clean-up).</summary>
    public static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [GeneratedRegex(@"^(?<target>.+)\.(?:[0-9a-f]{8}|[0-9a-f]{32})\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex TemporaryName();
}
