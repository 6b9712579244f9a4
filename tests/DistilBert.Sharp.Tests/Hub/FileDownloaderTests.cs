using DistilBert.Sharp.Hub;
using DistilBert.Sharp.Tests.Infrastructure;

namespace DistilBert.Sharp.Tests.Hub;

public sealed class FileDownloaderTests : IDisposable
{
    private readonly FakeHub _hub = new();
    private readonly TempDirectory _dir = new();
    private readonly byte[] _archive = HubClientTests.RandomBytes(250_000, seed: 7);
    private readonly Uri _url;

    public FileDownloaderTests()
    {
        var file = _hub.Add("data/archive", "x.tar.gz", _archive, lfs: true);
        _url = new Uri($"{_hub.Endpoint}/cdn/{file.Sha256}");
    }

    public void Dispose()
    {
        _hub.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Downloads_to_the_destination_and_leaves_no_partial_file()
    {
        string dest = _dir.Combine("sub", "archive.tar.gz");
        await FileDownloader.DownloadAsync(_url, dest);
        Assert.Equal(_archive, File.ReadAllBytes(dest));
        Assert.False(File.Exists(dest + FileDownloader.IncompleteSuffix));
    }

    [Fact]
    public async Task Existing_partial_file_is_resumed_with_Range_and_206()
    {
        string dest = _dir.Combine("archive.tar.gz");
        File.WriteAllBytes(dest + ".incomplete", _archive[..50_000]);
        var reports = new List<DownloadProgress>();
        await FileDownloader.DownloadAsync(_url, dest, new SynchronousProgress<DownloadProgress>(reports.Add));

        Assert.Equal(_archive, File.ReadAllBytes(dest));
        Assert.Equal("bytes=50000-", _hub.Server.Requests.Single().Header("Range"));
        Assert.Equal(50_000, reports[0].ResumedFromBytes);
        Assert.Equal(_archive.Length, reports[^1].BytesDownloaded);
    }

    [Fact]
    public async Task Server_without_Range_support_restarts_from_zero()
    {
        _hub.SupportsRange = false;
        string dest = _dir.Combine("archive.tar.gz");
        File.WriteAllBytes(dest + ".incomplete", new byte[50_000]); // wrong bytes: appending to them would corrupt the file
        await FileDownloader.DownloadAsync(_url, dest);
        Assert.Equal(_archive, File.ReadAllBytes(dest));
    }

    [Fact]
    public async Task Dropped_connection_is_resumed_automatically()
    {
        _hub.DropNext(count: 2, bytes: 60_000);
        string dest = _dir.Combine("archive.tar.gz");
        await FileDownloader.DownloadAsync(_url, dest);
        Assert.Equal(_archive, File.ReadAllBytes(dest));
        Assert.Equal(["", "bytes=60000-", "bytes=120000-"], _hub.Server.Requests.Select(r => r.Header("Range") ?? ""));
    }

    [Fact]
    public async Task Cancellation_keeps_the_partial_file_and_no_destination()
    {
        _hub.DropNext(count: 10, bytes: 40_000);
        string dest = _dir.Combine("archive.tar.gz");
        using var cts = new CancellationTokenSource();
        var cancelling = new SynchronousProgress<DownloadProgress>(p => { if (p.BytesDownloaded > 0) cts.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FileDownloader.DownloadAsync(_url, dest, cancelling, cts.Token));
        Assert.False(File.Exists(dest));
        Assert.True(File.Exists(dest + ".incomplete"));
    }

    [Fact]
    public async Task Http_error_names_the_status_and_url_and_writes_nothing()
    {
        string dest = _dir.Combine("archive.tar.gz");
        var ex = await Assert.ThrowsAsync<HubException>(() => FileDownloader.DownloadAsync(new Uri($"{_hub.Endpoint}/cdn/unknown"), dest));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Contains("404", ex.Message);
        Assert.Contains("/cdn/unknown", ex.Message);
        Assert.False(File.Exists(dest));
    }
}
