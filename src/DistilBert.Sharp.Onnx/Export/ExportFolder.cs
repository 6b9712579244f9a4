namespace DistilBert.Sharp.Onnx;

/// <summary>
/// Writes a model folder all-or-nothing: everything goes into a hidden temporary folder beside the target, which is
/// renamed into place at the end. A kill at any moment leaves either the old folder or the new one (plus, at worst,
/// a hidden leftover that the next export to the same target removes).
/// </summary>
internal sealed class ExportFolder : IDisposable
{
    private readonly string _target;
    private bool _committed;

    /// <exception cref="IOException">The target exists and <paramref name="overwrite"/> is false (the message names it).</exception>
    public ExportFolder(string target, bool overwrite)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        _target = Path.GetFullPath(target.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        string parent = Path.GetDirectoryName(_target)!;
        Directory.CreateDirectory(parent);
        RecoverInterruptedSwap(parent, Path.GetFileName(_target));
        if (File.Exists(_target))
            throw new IOException($"ONNX export target '{_target}' is a file; give a folder path.");
        if (Directory.Exists(_target) && !overwrite)
            throw new IOException($"ONNX export target '{_target}' already exists; pass Overwrite = true (--overwrite) to replace it.");
        RemoveLeftovers(parent, Path.GetFileName(_target));
        Staging = Path.Combine(parent, $".{Path.GetFileName(_target)}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Staging);
    }

    /// <summary>The temporary folder to write into.</summary>
    public string Staging { get; }

    /// <summary>Moves the staging folder into place (replacing the old folder, which is removed after the swap).</summary>
    public void Commit()
    {
        string? old = null;
        if (Directory.Exists(_target))
        {
            old = Path.Combine(Path.GetDirectoryName(_target)!, $".{Path.GetFileName(_target)}.old-{Guid.NewGuid():N}");
            Directory.Move(_target, old);
        }
        Directory.Move(Staging, _target);
        _committed = true;
        if (old is not null) TryDelete(old);
    }

    public void Dispose()
    {
        if (!_committed) TryDelete(Staging);
    }

    /// <summary>A kill between the two renames of <see cref="Commit"/> leaves only the old folder: put it back.</summary>
    private void RecoverInterruptedSwap(string parent, string name)
    {
        if (Directory.Exists(_target)) return;
        string? old = Directory.EnumerateDirectories(parent, $".{name}.old-*").FirstOrDefault();
        if (old is not null) Directory.Move(old, _target);
    }

    private static void RemoveLeftovers(string parent, string name)
    {
        foreach (string dir in Directory.EnumerateDirectories(parent, $".{name}.tmp-*")) TryDelete(dir);
        foreach (string dir in Directory.EnumerateDirectories(parent, $".{name}.old-*")) TryDelete(dir);
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover hidden folder is removed by the next export to the same target.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
