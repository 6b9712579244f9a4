using System.Text;
using DistilBert.Sharp.Hub;
using DistilBert.Sharp.Tests.Infrastructure;

namespace DistilBert.Sharp.Tests.Hub;

public sealed class PretrainedPathTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Local_folder_is_returned_as_is()
    {
        File.WriteAllText(_dir.Combine("config.json"), "{}");
        string resolved = await PretrainedPath.ResolveAsync(_dir.Path, ["config.json"], ["tokenizer.json"], null, CancellationToken.None);
        Assert.Equal(Path.GetFullPath(_dir.Path), resolved);
    }

    [Fact]
    public async Task Local_folder_missing_a_required_file_names_it()
    {
        File.WriteAllText(_dir.Combine("config.json"), "{}");
        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() =>
            PretrainedPath.ResolveAsync(_dir.Path, ["config.json", "model.safetensors"], [], null, CancellationToken.None));
        Assert.Contains("'model.safetensors'", ex.Message);
        Assert.Contains(Path.GetFullPath(_dir.Path), ex.Message);
    }

    [Theory]
    [InlineData("./no/such/folder")]
    [InlineData("/definitely/not/here")]
    [InlineData("bad id with spaces")]
    public async Task Neither_folder_nor_valid_hub_id_is_refused_naming_the_value(string value)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            PretrainedPath.ResolveAsync(value, ["config.json"], [], new HubOptions { Offline = true, CacheDir = _dir.Path }, CancellationToken.None));
        Assert.Contains($"'{value}'", ex.Message);
    }

    [Fact]
    public async Task A_file_instead_of_a_folder_says_to_pass_the_folder()
    {
        File.WriteAllText(_dir.Combine("config.json"), "{}");
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            PretrainedPath.ResolveAsync(_dir.Combine("config.json"), ["config.json"], [], null, CancellationToken.None));
        Assert.Contains("folder", ex.Message);
    }

    [Fact]
    public async Task Hub_id_resolves_to_a_snapshot_folder_with_required_and_present_optional_files()
    {
        using var hub = new FakeHub();
        hub.Add("org/model", "config.json", Encoding.UTF8.GetBytes("{}"), lfs: false);
        hub.Add("org/model", "model.safetensors", HubClientTests.RandomBytes(1000, 3), lfs: true);
        hub.Add("org/model", "vocab.txt", Encoding.UTF8.GetBytes("[PAD]\n"), lfs: false);
        var options = new HubOptions { Endpoint = hub.Endpoint, CacheDir = _dir.Combine("cache"), Token = "" };

        string folder = await PretrainedPath.ResolveAsync("org/model", ["config.json", "model.safetensors"],
            ["vocab.txt", "tokenizer.json"], options, CancellationToken.None);

        Assert.Equal(Path.Combine(_dir.Path, "cache", "models--org--model", "snapshots", FakeHub.Commit), folder);
        Assert.True(File.Exists(Path.Combine(folder, "config.json")));
        Assert.True(File.Exists(Path.Combine(folder, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(folder, "vocab.txt")));
        Assert.False(File.Exists(Path.Combine(folder, "tokenizer.json")));
        // Files after the first are pinned to the first one's commit.
        Assert.Contains(hub.Server.Requests, r => r.Path == $"/org/model/resolve/{FakeHub.Commit}/vocab.txt");

        // Offline, the same call is answered from the cache, optional absentees included (.no_exist).
        string offline = PretrainedPath.Resolve("org/model", ["config.json", "model.safetensors"], ["vocab.txt", "tokenizer.json"],
            new HubOptions { Endpoint = hub.Endpoint, CacheDir = _dir.Combine("cache"), Offline = true });
        Assert.Equal(folder, offline);

        // An optional file never asked for online is simply absent offline; a required one is an error.
        Assert.Equal(folder, PretrainedPath.Resolve("org/model", ["config.json"], ["special_tokens_map.json"],
            new HubOptions { CacheDir = _dir.Combine("cache"), Offline = true }));
        var ex = Assert.Throws<HubOfflineException>(() => PretrainedPath.Resolve("org/model", ["config.json", "special_tokens_map.json"], [],
            new HubOptions { CacheDir = _dir.Combine("cache"), Offline = true }));
        Assert.Contains("'special_tokens_map.json'", ex.Message);
    }

    [Fact]
    public async Task Hub_id_offline_with_empty_cache_names_the_missing_file()
    {
        var ex = await Assert.ThrowsAsync<HubOfflineException>(() => PretrainedPath.ResolveAsync("distilbert-base-uncased",
            ["config.json"], [], new HubOptions { Offline = true, CacheDir = _dir.Path }, CancellationToken.None));
        Assert.Contains("'config.json'", ex.Message);
        Assert.Contains("distilbert-base-uncased", ex.Message);
    }
}
