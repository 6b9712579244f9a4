namespace DistilBert.Sharp.Hub;

/// <summary>
/// An exclusive lock on a file under <c>.locks/</c>, so that two processes do not download the same blob at once.
/// On Unix .NET takes it with <c>flock</c>, the same call Python's <c>filelock</c> uses, so the lock also excludes a
/// concurrent <c>huggingface_hub</c> download.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    public static async Task<FileLock> AcquireAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                // Held by another download of the same blob: wait for it instead of fetching the bytes twice.
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
