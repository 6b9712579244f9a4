using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace DistilBert.Sharp.IO;

/// <summary>
/// Replaces or deletes a whole folder so that a kill at any moment leaves it wholly old or wholly new (or, for a
/// delete, wholly present or gone from its name). Used by <c>SavePretrained</c>, checkpoint saves and rotation.
/// </summary>
/// <remarks>
/// <para>Protocol. <see cref="Replace"/> writes the new content into <c>.&lt;name&gt;.&lt;id&gt;.saving</c> beside the
/// target, then carries over (hard link, or copy where links are unsupported) every entry of the existing folder that
/// the writer did not produce and the caller wants kept (tokenizer files, a README: HF's <c>save_pretrained</c> never
/// deletes files it does not own), and finally swaps: on Linux with one <c>renameat2(RENAME_EXCHANGE)</c> (the target
/// name never disappears), elsewhere by renaming the old folder to <c>.&lt;name&gt;.&lt;id&gt;.replaced</c> and the new
/// one into place. The old folder is deleted only after the swap. <see cref="Delete"/> renames the folder to
/// <c>.&lt;name&gt;.&lt;id&gt;.deleting</c> before deleting its content, so a half-deleted folder never carries its name.</para>
/// <para>Recovery (<see cref="Recover"/>, run by every <see cref="Replace"/> and by loads): a <c>.replaced</c> folder
/// whose target is missing was interrupted mid-swap and is renamed back (wholly old); every other leftover
/// (<c>.saving</c>, <c>.deleting</c>, a <c>.replaced</c> whose target exists) is deleted.</para>
/// <para>Hand-written because no maintained .NET package offers an atomic directory swap; the exchange is a Linux system
/// call that .NET does not expose. One writer per folder at a time: two processes saving the same folder concurrently
/// are not supported. Survives process kills; surviving power loss would also need directory fsyncs, which .NET lacks.</para>
/// </remarks>
internal static partial class AtomicDirectory
{
    private const string Saving = "saving", Replaced = "replaced", Deleting = "deleting";

    /// <summary>Test hook: false forces the portable two-rename swap instead of the Linux exchange.</summary>
    /// <remarks>When the folder cannot be swapped at all (it holds the process's working folder, or it is a mount
    /// point), the files are renamed in one by one instead: each file stays atomic, the folder as a whole does not.</remarks>
    internal static bool UseExchange { get; set; } = OperatingSystem.IsLinux();

    /// <summary>
    /// Writes a new version of the folder <paramref name="target"/> and swaps it in atomically.
    /// </summary>
    /// <param name="target">The folder to create or replace (its parent is created when missing).</param>
    /// <param name="write">Writes the new content into the (empty) staging folder it is given.</param>
    /// <param name="carry">Which entries of the existing folder (by name) to keep when the writer did not produce them;
    /// null keeps all. Temporaries of killed atomic file writes are never kept.</param>
    public static void Replace(string target, Action<string> write, Func<string, bool>? carry = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        ArgumentNullException.ThrowIfNull(write);
        string full = ResolveTarget(target);
        string parent = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{full}' is a root folder; it cannot be replaced.", nameof(target));
        Directory.CreateDirectory(parent);
        Recover(full);

        string id = Guid.NewGuid().ToString("N");
        string staging = Sibling(full, id, Saving);
        Directory.CreateDirectory(staging);
        try
        {
            write(staging);
            if (Directory.Exists(full)) CarryOver(full, staging, carry);
            Swap(staging, full, id);
        }
        catch
        {
            TryDeleteTree(staging);
            throw;
        }
    }

    /// <summary>Removes <paramref name="directory"/>: out of its name first (one rename), then its content.</summary>
    public static void Delete(string directory)
    {
        string full = Path.GetFullPath(directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        if (!Directory.Exists(full)) return;
        string doomed = Sibling(full, Guid.NewGuid().ToString("N"), Deleting);
        Directory.Move(full, doomed);
        Directory.Delete(doomed, recursive: true);
    }

    /// <summary>
    /// Finishes or undoes what an interrupted <see cref="Replace"/> or <see cref="Delete"/> of
    /// <paramref name="target"/> left beside it (see the remarks).
    /// </summary>
    /// <param name="target">The folder.</param>
    /// <param name="removeLeftovers">Also delete staging and half-deleted folders; false (for loads) only restores a
    /// folder whose swap was cut short, so a reader never removes what a concurrent save is writing.</param>
    public static void Recover(string target, bool removeLeftovers = true)
    {
        string full = Path.GetFullPath(target.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        string? parent = Path.GetDirectoryName(full);
        if (parent is null || !Directory.Exists(parent)) return;
        string name = Path.GetFileName(full);
        var mine = Leftovers(parent).Where(l => l.Target == name).ToList();
        // Restore first (a swap cut between its two renames), then drop the rest.
        foreach (var l in mine.Where(l => l.Kind == Replaced))
        {
            // Never delete the only copy: a failed restore leaves it for the next attempt.
            if (!Directory.Exists(full) && !File.Exists(full)) Directory.Move(l.Path, full);
            else if (removeLeftovers) TryDeleteTree(l.Path);
        }
        if (!removeLeftovers) return;
        foreach (var l in mine.Where(l => l.Kind != Replaced)) TryDeleteTree(l.Path);
    }

    /// <summary>Runs <see cref="Recover"/> for every folder in <paramref name="parent"/> that has leftovers.</summary>
    public static void RecoverAll(string parent)
    {
        if (!Directory.Exists(parent)) return;
        var leftovers = Leftovers(parent).ToList();
        var names = leftovers.Select(l => l.Target).ToHashSet(StringComparer.Ordinal);
        foreach (var l in leftovers.Where(l => IsLeftoverName(l.Target)))
            TryDeleteTree(l.Path); // the leftover of a nested save into a staging folder
        foreach (string name in names.Where(n => !IsLeftoverName(n))) Recover(Path.Combine(parent, name));
    }

    /// <summary>Whether <paramref name="name"/> is one of this protocol's temporary names (never a user's folder).</summary>
    public static bool IsLeftoverName(string name) => LeftoverName().IsMatch(name);

    private static IEnumerable<(string Path, string Target, string Kind)> Leftovers(string parent)
    {
        foreach (string dir in Directory.EnumerateDirectories(parent, ".*"))
        {
            var m = LeftoverName().Match(Path.GetFileName(dir));
            if (m.Success) yield return (dir, m.Groups["target"].Value, m.Groups["kind"].Value);
        }
    }

    private static string Sibling(string full, string id, string kind) =>
        Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{id}.{kind}");

    // A symbolic link to a folder is replaced at its destination (as writing through it would), not turned into a folder.
    private static string ResolveTarget(string target)
    {
        string full = Path.GetFullPath(target.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var info = new DirectoryInfo(full);
        return info.Exists && info.LinkTarget is not null ? info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full : full;
    }

    private static void Swap(string staging, string target, string id)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }
        if (ContainsCurrentDirectory(target))
        {
            MoveFilesInto(staging, target); // swapping the process's own working folder away would strand it
            return;
        }
        if (UseExchange && TryExchange(staging, target))
        {
            // The staging name now holds the old folder; a kill here leaves a .saving leftover, removed by the next save.
            TryDeleteTree(staging);
            return;
        }
        string old = Sibling(target, id, Replaced);
        try
        {
            Directory.Move(target, old);
        }
        catch (IOException)
        {
            MoveFilesInto(staging, target); // a mount point or a folder held open elsewhere cannot be renamed
            return;
        }
        try
        {
            Directory.Move(staging, target); // a kill between these two renames is undone by Recover (wholly old)
        }
        catch
        {
            Directory.Move(old, target); // an error (not a kill) between them: put the old folder back at once
            throw;
        }
        TryDeleteTree(old);
    }

    private static bool ContainsCurrentDirectory(string target)
    {
        string cwd = Path.TrimEndingDirectorySeparator(Environment.CurrentDirectory) + Path.DirectorySeparatorChar;
        return cwd.StartsWith(Path.TrimEndingDirectorySeparator(target) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    // The weaker fallback when the folder itself cannot be swapped: each staged file is renamed over its old version
    // (each file atomic, the folder not), JSON files last so that config.json appearing marks a complete save; then
    // what the carry-over rejected (stale weights, temporaries), i.e. whatever is not staged, is removed.
    private static void MoveFilesInto(string staging, string target)
    {
        var staged = new DirectoryInfo(staging).EnumerateFileSystemInfos()
            .OrderBy(e => e.Name.EndsWith(".json", StringComparison.Ordinal)).ThenBy(e => e.Name, StringComparer.Ordinal).ToList();
        foreach (var entry in staged)
        {
            string dest = Path.Combine(target, entry.Name);
            if (entry is FileInfo) File.Move(entry.FullName, dest, overwrite: true);
            else if (!Directory.Exists(dest)) Directory.Move(entry.FullName, dest); // carried folders are already there
        }
        var names = staged.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in new DirectoryInfo(target).EnumerateFileSystemInfos().Where(e => !names.Contains(e.Name)).ToList())
        {
            if (entry is DirectoryInfo d && d.LinkTarget is null) d.Delete(recursive: true);
            else entry.Delete();
        }
        TryDeleteTree(staging);
    }

    private static void CarryOver(string from, string to, Func<string, bool>? carry)
    {
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            string name = entry.Name;
            string dest = Path.Combine(to, name);
            if (File.Exists(dest) || Directory.Exists(dest) || AtomicFile.IsTemporaryName(name)) continue;
            if (carry is not null && !carry(name)) continue;
            CopyEntry(entry, dest);
        }
    }

    private static void CopyEntry(FileSystemInfo entry, string dest)
    {
        if (entry.LinkTarget is string link)
        {
            if (entry is DirectoryInfo) Directory.CreateSymbolicLink(dest, link);
            else File.CreateSymbolicLink(dest, link);
            return;
        }
        if (entry is DirectoryInfo dir)
        {
            Directory.CreateDirectory(dest);
            foreach (var child in dir.EnumerateFileSystemInfos())
                if (!AtomicFile.IsTemporaryName(child.Name)) CopyEntry(child, Path.Combine(dest, child.Name));
            return;
        }
        // A hard link costs no space or time, and nothing writes to carried files in place.
        if (!TryHardLink(entry.FullName, dest)) File.Copy(entry.FullName, dest);
    }

    private static void TryDeleteTree(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static volatile bool _linkUnsupported = !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS());
    private static volatile bool _exchangeUnsupported;

    private static bool TryHardLink(string existing, string link)
    {
        if (_linkUnsupported) return false;
        try
        {
            return Native.Link(existing, link) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _linkUnsupported = true;
            return false;
        }
    }

    private static bool TryExchange(string a, string b)
    {
        if (_exchangeUnsupported) return false;
        try
        {
            if (Native.RenameAt2(Native.AtFdCwd, a, Native.AtFdCwd, b, Native.RenameExchange) == 0) return true;
            // EINVAL / ENOSYS: the file system or kernel has no exchange; use the portable swap from now on.
            int errno = Marshal.GetLastPInvokeError();
            if (errno is 22 or 38 or 95) _exchangeUnsupported = true;
            return false;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _exchangeUnsupported = true;
            return false;
        }
    }

    private static partial class Native
    {
        public const int AtFdCwd = -100;
        public const uint RenameExchange = 2;

        [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Link(string existing, string link);

        [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);
    }

    [GeneratedRegex(@"^\.(?<target>.+)\.[0-9a-f]{32}\.(?<kind>saving|replaced|deleting)$", RegexOptions.CultureInvariant)]
    private static partial Regex LeftoverName();
}
