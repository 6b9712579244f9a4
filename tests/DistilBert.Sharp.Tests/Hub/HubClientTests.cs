using System.Text;
using DistilBert.Sharp.Hub;
using DistilBert.Sharp.Tests.Infrastructure;

namespace DistilBert.Sharp.Tests.Hub;

public sealed class HubClientTests : IDisposable
{
    private const string Repo = "test-org/tiny-model";
    private readonly FakeHub _hub = new();
    private readonly TempDirectory _cache = new();
    private readonly byte[] _config = Encoding.UTF8.GetBytes("{\"model_type\": \"distilbert\"}");
    private readonly byte[] _weights = RandomBytes(300_000, seed: 1);

    public HubClientTests()
    {
        _hub.Add(Repo, "config.json", _config, lfs: false);
        _hub.Add(Repo, "model.safetensors", _weights, lfs: true);
    }

    public void Dispose()
    {
        _hub.Dispose();
        _cache.Dispose();
    }

    private HubClient Client(string? token = null, bool offline = false, int maxResume = 3, string? endpoint = null) => new(new HubOptions
    {
        Endpoint = endpoint ?? _hub.Endpoint, CacheDir = _cache.Path, Token = token ?? "", Offline = offline, MaxResumeAttempts = maxResume,
    });

    internal static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private string RepoDir => Path.Combine(_cache.Path, "models--test-org--tiny-model");

    [Fact]
    public async Task Download_writes_Python_cache_layout_blobs_snapshot_symlinks_and_refs()
    {
        using var client = Client();
        string config = await client.DownloadFileAsync(Repo, "config.json");
        string weights = await client.DownloadFileAsync(Repo, "model.safetensors");

        var lfs = _hub.Repos[Repo]["model.safetensors"];
        var small = _hub.Repos[Repo]["config.json"];
        Assert.Equal(Path.Combine(RepoDir, "snapshots", FakeHub.Commit, "config.json"), config);
        Assert.Equal(Path.Combine(RepoDir, "snapshots", FakeHub.Commit, "model.safetensors"), weights);
        Assert.Equal(FakeHub.Commit, File.ReadAllText(Path.Combine(RepoDir, "refs", "main")));
        // Blobs are named by ETag: git sha1 for regular files, sha256 (from X-Linked-Etag) for LFS files.
        Assert.Equal(_config, File.ReadAllBytes(Path.Combine(RepoDir, "blobs", small.GitSha1)));
        Assert.Equal(_weights, File.ReadAllBytes(Path.Combine(RepoDir, "blobs", lfs.Sha256)));
        Assert.Equal(_weights, File.ReadAllBytes(weights));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(Path.Combine("..", "..", "blobs", lfs.Sha256), new FileInfo(weights).LinkTarget);
            Assert.Equal(Path.Combine("..", "..", "blobs", small.GitSha1), new FileInfo(config).LinkTarget);
        }
        Assert.Empty(Directory.GetFiles(Path.Combine(RepoDir, "blobs"), "*.incomplete"));
    }

    [Fact]
    public async Task Large_file_follows_absolute_redirect_to_cdn_without_forwarding_the_token()
    {
        _hub.PrivateRepos.Add(Repo);
        using var client = Client(token: _hub.Token);
        string weights = await client.DownloadFileAsync(Repo, "model.safetensors");

        Assert.Equal(_weights, File.ReadAllBytes(weights));
        var requests = _hub.Server.Requests.ToList();
        var head = Assert.Single(requests, r => r.Method == "HEAD");
        Assert.Equal("Bearer " + _hub.Token, head.Header("Authorization"));
        var cdn = Assert.Single(requests, r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal));
        Assert.StartsWith("localhost:", cdn.Host);
        Assert.Null(cdn.Header("Authorization"));
    }

    [Fact]
    public async Task Second_download_reuses_the_blob_with_only_a_HEAD_request()
    {
        using var client = Client();
        await client.DownloadFileAsync(Repo, "model.safetensors");
        int getsAfterFirst = _hub.ContentGets;
        string again = await client.DownloadFileAsync(Repo, "model.safetensors");

        Assert.Equal(1, getsAfterFirst);
        Assert.Equal(1, _hub.ContentGets);
        Assert.Equal(2, _hub.Server.Requests.Count(r => r.Method == "HEAD"));
        Assert.Equal(_weights, File.ReadAllBytes(again));
    }

    [Fact]
    public async Task Cache_written_by_Python_is_reused_online_and_offline()
    {
        // Lay the files out exactly as huggingface_hub does: blob, relative symlink, ref.
        var lfs = _hub.Repos[Repo]["model.safetensors"];
        Directory.CreateDirectory(Path.Combine(RepoDir, "blobs"));
        Directory.CreateDirectory(Path.Combine(RepoDir, "refs"));
        Directory.CreateDirectory(Path.Combine(RepoDir, "snapshots", FakeHub.Commit));
        File.WriteAllBytes(Path.Combine(RepoDir, "blobs", lfs.Sha256), _weights);
        File.WriteAllText(Path.Combine(RepoDir, "refs", "main"), FakeHub.Commit);
        string pointer = Path.Combine(RepoDir, "snapshots", FakeHub.Commit, "model.safetensors");
        File.CreateSymbolicLink(pointer, Path.Combine("..", "..", "blobs", lfs.Sha256));

        using (var offline = Client(offline: true))
            Assert.Equal(pointer, await offline.DownloadFileAsync(Repo, "model.safetensors"));
        Assert.Empty(_hub.Server.Requests);

        using (var online = Client())
            Assert.Equal(pointer, await online.DownloadFileAsync(Repo, "model.safetensors"));
        Assert.Equal(0, _hub.ContentGets);
    }

    [Fact]
    public async Task Renamed_repository_is_followed_through_a_relative_redirect()
    {
        _hub.Renamed["old-org/tiny-model"] = Repo;
        using var client = Client();
        string path = await client.DownloadFileAsync("old-org/tiny-model", "config.json");

        Assert.Equal(_config, File.ReadAllBytes(path));
        Assert.Contains(_hub.Server.Requests, r => r.Path.StartsWith("/old-org/tiny-model/resolve/main/", StringComparison.Ordinal));
        Assert.Contains(_hub.Server.Requests, r => r.Path == $"/{Repo}/resolve/main/config.json" && r.Method == "GET");
    }

    [Fact]
    public async Task Missing_file_gives_404_error_naming_repo_and_file_and_is_recorded_as_absent()
    {
        using var client = Client();
        var ex = await Assert.ThrowsAsync<HubNotFoundException>(() => client.DownloadFileAsync(Repo, "vocab.txt"));
        Assert.True(ex.IsEntryNotFound);
        Assert.Contains("'vocab.txt'", ex.Message);
        Assert.Contains(Repo, ex.Message);
        Assert.Contains("404", ex.Message);
        Assert.True(client.Cache.IsKnownMissing(Repo, FakeHub.Commit, "vocab.txt"));
        Assert.Null(await client.TryDownloadFileAsync(Repo, "vocab.txt"));
    }

    [Fact]
    public async Task Unknown_repository_gives_404_error_naming_the_repository()
    {
        using var client = Client();
        var ex = await Assert.ThrowsAsync<HubNotFoundException>(() => client.DownloadFileAsync("nobody/nothing", "config.json"));
        Assert.False(ex.IsEntryNotFound);
        Assert.Contains("'nobody/nothing'", ex.Message);
    }

    [Fact]
    public async Task Gated_repository_without_token_says_to_set_HF_TOKEN()
    {
        Skip.If(Environment.GetEnvironmentVariable("HF_TOKEN") is { Length: > 0 }, "HF_TOKEN is set in this environment.");
        _hub.PrivateRepos.Add(Repo);
        using var client = Client();
        var ex = await Assert.ThrowsAsync<HubAuthenticationException>(() => client.DownloadFileAsync(Repo, "config.json"));
        Assert.Contains("401", ex.Message);
        Assert.Contains("HF_TOKEN", ex.Message);
        Assert.Contains(Repo, ex.Message);
    }

    [Fact]
    public async Task Rejected_token_never_appears_in_the_exception()
    {
        const string secret = "hf_SUPER_secret_value_123";
        _hub.PrivateRepos.Add(Repo);
        using var client = Client(token: secret);
        var ex = await Assert.ThrowsAsync<HubAuthenticationException>(() => client.DownloadFileAsync(Repo, "config.json"));
        Assert.Equal("Bearer " + secret, _hub.Server.Requests.Single().Header("Authorization")); // it was sent…
        Assert.DoesNotContain(secret, ex.ToString());                                            // …but never echoed
        Assert.Contains("rejected", ex.Message);
    }

    [Fact]
    public async Task Connection_dropping_mid_file_is_resumed_with_a_Range_request_and_the_file_is_identical()
    {
        _hub.DropNext(count: 1, bytes: 100_000);
        using var client = Client();
        string path = await client.DownloadFileAsync(Repo, "model.safetensors");

        Assert.Equal(_weights, File.ReadAllBytes(path));
        var cdn = _hub.Server.Requests.Where(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, cdn.Count);
        Assert.Null(cdn[0].Header("Range"));
        Assert.Equal("bytes=100000-", cdn[1].Header("Range"));
    }

    [Fact]
    public async Task Interrupted_download_keeps_the_incomplete_blob_and_the_next_call_resumes_it()
    {
        _hub.DropNext(count: 1, bytes: 120_000);
        var lfs = _hub.Repos[Repo]["model.safetensors"];
        string incomplete = Path.Combine(RepoDir, "blobs", lfs.Sha256 + ".incomplete");
        using (var noRetry = Client(maxResume: 0))
            await Assert.ThrowsAsync<HubException>(() => noRetry.DownloadFileAsync(Repo, "model.safetensors"));
        Assert.Equal(120_000, new FileInfo(incomplete).Length);
        Assert.False(File.Exists(Path.Combine(RepoDir, "blobs", lfs.Sha256)));

        using var client = Client();
        string path = await client.DownloadFileAsync(Repo, "model.safetensors");
        Assert.Equal(_weights, File.ReadAllBytes(path));
        Assert.Equal("bytes=120000-", _hub.Server.Requests.Last(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal)).Header("Range"));
        Assert.False(File.Exists(incomplete));
    }

    [Fact]
    public async Task Content_not_matching_the_sha256_ETag_is_rejected_and_not_stored()
    {
        _hub.CorruptCdn = true;
        using var client = Client();
        var ex = await Assert.ThrowsAsync<DownloadIntegrityException>(() => client.DownloadFileAsync(Repo, "model.safetensors"));
        Assert.Contains("sha256", ex.Message);
        Assert.Empty(Directory.GetFiles(Path.Combine(RepoDir, "blobs")));
        Assert.False(Directory.Exists(Path.Combine(RepoDir, "snapshots", FakeHub.Commit)) &&
                     Directory.GetFileSystemEntries(Path.Combine(RepoDir, "snapshots", FakeHub.Commit)).Length > 0);
    }

    [Fact]
    public async Task Offline_mode_serves_a_warm_cache_without_any_request()
    {
        using (var online = Client()) await online.DownloadFileAsync(Repo, "config.json");
        int before = _hub.Server.Requests.Count;
        using var offline = Client(offline: true);
        string path = await offline.DownloadFileAsync(Repo, "config.json");

        Assert.Equal(_config, File.ReadAllBytes(path));
        Assert.Equal(before, _hub.Server.Requests.Count);
    }

    [Fact]
    public async Task Offline_mode_with_an_empty_cache_names_what_is_missing()
    {
        using var offline = Client(offline: true);
        var ex = await Assert.ThrowsAsync<HubOfflineException>(() => offline.DownloadFileAsync(Repo, "config.json"));
        Assert.Contains("'config.json'", ex.Message);
        Assert.Contains(Repo, ex.Message);
        Assert.Contains("offline", ex.Message);
        Assert.Empty(_hub.Server.Requests);
    }

    [Fact]
    public async Task Unreachable_endpoint_falls_back_to_the_cache()
    {
        using (var online = Client()) await online.DownloadFileAsync(Repo, "config.json");
        // A port that was just free: nothing listens there, so the connection is refused.
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var unreachable = Client(endpoint: $"http://127.0.0.1:{port}");
        Assert.Equal(_config, File.ReadAllBytes(await unreachable.DownloadFileAsync(Repo, "config.json")));
        await Assert.ThrowsAsync<HubOfflineException>(() => unreachable.DownloadFileAsync(Repo, "model.safetensors"));
    }

    [Fact]
    public async Task Progress_reports_reach_the_file_size()
    {
        var reports = new List<DownloadProgress>();
        var progress = new SynchronousProgress<DownloadProgress>(reports.Add);
        using var client = new HubClient(new HubOptions { Endpoint = _hub.Endpoint, CacheDir = _cache.Path, Token = "", Progress = progress });
        await client.DownloadFileAsync(Repo, "model.safetensors");

        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal(_weights.Length, r.TotalBytes));
        Assert.Equal(_weights.Length, reports[^1].BytesDownloaded);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.BytesDownloaded <= p.Second.BytesDownloaded));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b/c")]
    [InlineData("org--x/model")]
    [InlineData("")]
    public void Invalid_repository_ids_are_refused_with_the_id_in_the_message(string repoId)
    {
        using var client = Client();
        var ex = Assert.ThrowsAny<ArgumentException>(() => client.GetFileUrl(repoId, "config.json"));
        Assert.Contains($"'{repoId}'", ex.Message);
    }

    [Theory]
    [InlineData("\"abc\"", "abc")]
    [InlineData("W/\"abc\"", "abc")]
    [InlineData("abc", "abc")]
    [InlineData("", null)]
    public void ETags_are_normalised_like_huggingface_hub(string raw, string? expected) =>
        Assert.Equal(expected, HubClient.NormalizeETag(raw));
}

/// <summary>IProgress that calls back inline (Progress&lt;T&gt; posts to the thread pool, so order is not guaranteed).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
