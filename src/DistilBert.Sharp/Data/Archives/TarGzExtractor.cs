using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;

namespace DistilBert.Sharp.Data.Archives;

/// <summary>
/// Streams a <c>.tar.gz</c> archive to disk (System.Formats.Tar over GZip, no temporary copy of the tar), extracting
/// only the entries a filter accepts. Every entry is checked before anything is written: one that would land outside
/// the target folder stops the extraction with <see cref="UnsafeArchiveEntryException"/>. Files are written to a
/// temporary name and renamed, so a file under its final name is always complete; a marker written last records a
/// finished extraction, so calling again after an interruption resumes (complete files are kept) and calling again
/// after success returns at once.
/// </summary>
public static class TarGzExtractor
{
    private const string TempSuffix = ".extracting";
    private const int ProgressEveryEntries = 200;

    /// <summary>
    /// Extracts <paramref name="archivePath"/> into <paramref name="targetDir"/>.
    /// </summary>
    /// <param name="archivePath">The <c>.tar.gz</c> file.</param>
    /// <param name="targetDir">The folder that receives the entries (created when missing).</param>
    /// <param name="include">
    /// Decides per entry name ('/'-separated, as in the archive, without a leading <c>./</c>) whether to extract it;
    /// null = everything. Links are never created (they are a classic escape route); a link to an extracted file
    /// is materialised as a copy.
    /// </param>
    /// <param name="progress">Receives progress every few hundred entries and at the end.</param>
    /// <param name="cancellationToken">Stops between entries; the next call resumes.</param>
    /// <exception cref="FileNotFoundException">The archive does not exist.</exception>
    /// <exception cref="UnsafeArchiveEntryException">An entry would be written outside <paramref name="targetDir"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid gzip-compressed tar archive (the message names it).</exception>
    public static Task<ExtractionResult> ExtractAsync(string archivePath, string targetDir, Func<string, bool>? include = null,
        IProgress<ExtractionProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ExtractAsync(archivePath, targetDir, include, selectionKey: null, progress, cancellationToken);

    /// <summary>
    /// Like <see cref="ExtractAsync(string, string, Func{string, bool}?, IProgress{ExtractionProgress}?, CancellationToken)"/>;
    /// <paramref name="selectionKey"/> names the filter in the completion marker, so a later call with a different
    /// filter (a different key) extracts again instead of trusting the marker.
    /// </summary>
    /// <param name="archivePath">The <c>.tar.gz</c> file.</param>
    /// <param name="targetDir">The folder that receives the entries.</param>
    /// <param name="include">Entry filter; null = everything.</param>
    /// <param name="selectionKey">A stable name of <paramref name="include"/>, or null.</param>
    /// <param name="progress">Receives progress.</param>
    /// <param name="cancellationToken">Stops between entries.</param>
    public static async Task<ExtractionResult> ExtractAsync(string archivePath, string targetDir, Func<string, bool>? include,
        string? selectionKey, IProgress<ExtractionProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(archivePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(targetDir);
        var archive = new FileInfo(archivePath);
        if (!archive.Exists) throw new FileNotFoundException($"The archive '{archivePath}' does not exist.", archivePath);
        string target = Path.GetFullPath(targetDir);
        Directory.CreateDirectory(target);
        string marker = MarkerPath(target, archive);
        string markerText = MarkerText(archive, selectionKey);
        if (File.Exists(marker) && File.ReadAllText(marker) == markerText)
            return new ExtractionResult(0, 0, AlreadyComplete: true);
        File.Delete(marker); // a marker for another filter or another archive version no longer holds

        long files = 0, skipped = 0;
        await using var file = new FileStream(archive.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var reader = new TarReader(gzip);
        try
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string name = NormalizeName(entry.Name);
                if (name.Length == 0) { skipped++; continue; } // the archive root "./"
                string destination = ResolveInside(target, name, entry.Name);
                bool wanted = include is null || include(name);
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        if (wanted) Directory.CreateDirectory(destination);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        if (!wanted) { skipped++; break; }
                        await WriteFileAsync(entry, destination, cancellationToken).ConfigureAwait(false);
                        files++;
                        break;
                    case TarEntryType.SymbolicLink or TarEntryType.HardLink:
                        string linkTarget = ResolveLinkTarget(target, name, entry);
                        if (wanted && File.Exists(linkTarget)) { CopyAtomically(linkTarget, destination); files++; }
                        else skipped++;
                        break;
                    default:
                        skipped++; // devices, fifos, global PAX headers: nothing a dataset needs
                        break;
                }
                if ((files + skipped) % ProgressEveryEntries == 0)
                    progress?.Report(new ExtractionProgress(files, skipped, file.Position, archive.Length, entry.Name));
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            // The fact only: whether to delete the file is the caller's call (it may be the user's own copy).
            throw new InvalidDataException($"'{archivePath}' is not a valid .tar.gz archive or is truncated ({ex.Message}).", ex);
        }
        progress?.Report(new ExtractionProgress(files, skipped, archive.Length, archive.Length, null));
        await File.WriteAllTextAsync(marker, markerText, cancellationToken).ConfigureAwait(false);
        return new ExtractionResult(files, skipped, AlreadyComplete: false);
    }

    /// <summary>The marker file that says <paramref name="archive"/> was fully extracted into <paramref name="target"/>.</summary>
    internal static string MarkerPath(string target, FileInfo archive) => Path.Combine(target, "." + archive.Name + ".extracted");

    // Identifies the archive version (size and time stamp) and the filter, so a replaced archive is extracted again.
    private static string MarkerText(FileInfo archive, string? selectionKey) => string.Create(CultureInfo.InvariantCulture,
        $"archive={archive.Name}\nlength={archive.Length}\nmtime={archive.LastWriteTimeUtc.Ticks}\nselection={selectionKey ?? "*"}\n");

    private static async Task WriteFileAsync(TarEntry entry, string destination, CancellationToken cancellationToken)
    {
        // A file under its final name was renamed into place whole by an earlier run: keep it.
        if (File.Exists(destination) && new FileInfo(destination).Length == entry.Length) return;
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        string temp = destination + TempSuffix;
        await using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 14, FileOptions.Asynchronous))
        {
            if (entry.DataStream is { } data) await data.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
        }
        File.Move(temp, destination, overwrite: true);
    }

    private static void CopyAtomically(string source, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        string temp = destination + TempSuffix;
        File.Copy(source, temp, overwrite: true);
        File.Move(temp, destination, overwrite: true);
    }

    private static string NormalizeName(string name)
    {
        string normalized = name.Replace('\\', '/');
        while (normalized.StartsWith("./", StringComparison.Ordinal)) normalized = normalized[2..];
        return normalized.TrimEnd('/');
    }

    /// <summary>The full path an entry maps to, or an exception when it would leave the target folder.</summary>
    internal static string ResolveInside(string target, string normalizedName, string originalName)
    {
        if (normalizedName.Contains('\0'))
            throw new UnsafeArchiveEntryException($"Archive entry '{originalName.Replace("\0", "\\0")}' contains a NUL character; refusing to extract.") { EntryName = originalName };
        if (normalizedName.StartsWith('/') || Path.IsPathRooted(normalizedName) || (normalizedName.Length > 1 && normalizedName[1] == ':'))
            throw new UnsafeArchiveEntryException($"Archive entry '{originalName}' has an absolute path; refusing to extract it outside '{target}'.") { EntryName = originalName };
        string full = Path.GetFullPath(Path.Combine(target, normalizedName));
        if (!IsInside(target, full))
            throw new UnsafeArchiveEntryException($"Archive entry '{originalName}' would be written outside '{target}' (path traversal with '..'); refusing to extract.") { EntryName = originalName };
        return full;
    }

    private static string ResolveLinkTarget(string target, string normalizedName, TarEntry entry)
    {
        string link = entry.LinkName.Replace('\\', '/');
        if (link.StartsWith('/') || Path.IsPathRooted(link))
            throw new UnsafeArchiveEntryException($"Archive entry '{entry.Name}' is a link to the absolute path '{entry.LinkName}'; refusing to extract.") { EntryName = entry.Name };
        // Hard links name a path from the archive root; symbolic links are relative to the link's own folder.
        string baseDir = entry.EntryType == TarEntryType.HardLink ? target : Path.GetDirectoryName(Path.Combine(target, normalizedName))!;
        string full = Path.GetFullPath(Path.Combine(baseDir, link));
        if (!IsInside(target, full))
            throw new UnsafeArchiveEntryException($"Archive entry '{entry.Name}' is a link to '{entry.LinkName}', outside '{target}'; refusing to extract.") { EntryName = entry.Name };
        return full;
    }

    private static bool IsInside(string target, string full) =>
        full.StartsWith(target.EndsWith(Path.DirectorySeparatorChar) ? target : target + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
