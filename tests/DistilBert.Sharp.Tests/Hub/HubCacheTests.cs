using DistilBert.Sharp.Hub;
using DistilBert.Sharp.Tests.Infrastructure;

namespace DistilBert.Sharp.Tests.Hub;

public sealed class HubCacheTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Key == name).Value;

    [Fact]
    public void Cache_directory_follows_huggingface_hub_precedence()
    {
        const string home = "/home/u";
        Assert.Equal(Path.Combine(home, ".cache", "huggingface", "hub"), HubCache.DefaultCacheDirectory(Env(), home));
        Assert.Equal(Path.Combine("/xdg", "huggingface", "hub"), HubCache.DefaultCacheDirectory(Env(("XDG_CACHE_HOME", "/xdg")), home));
        Assert.Equal(Path.Combine("/hf", "hub"), HubCache.DefaultCacheDirectory(Env(("XDG_CACHE_HOME", "/xdg"), ("HF_HOME", "/hf")), home));
        Assert.Equal("/direct", HubCache.DefaultCacheDirectory(Env(("HF_HOME", "/hf"), ("HF_HUB_CACHE", "/direct")), home));
        Assert.Equal(home + "/c", HubCache.DefaultCacheDirectory(Env(("HF_HUB_CACHE", "~/c")), home));
    }

    [Theory]
    [InlineData("distilbert-base-uncased", "models--distilbert-base-uncased")]
    [InlineData("org/name.v2", "models--org--name.v2")]
    public void Repo_folder_name_matches_python(string repoId, string folder) =>
        Assert.Equal(folder, HubCache.RepoFolderName(repoId));

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    [InlineData("on", true)]
    [InlineData("0", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Offline_flag_values_are_read_like_huggingface_hub(string? value, bool expected) =>
        Assert.Equal(expected, HubOptions.IsTruthy(value));

    [Fact]
    public void Branch_revision_resolves_through_refs_and_commit_hash_directly()
    {
        using var dir = new TempDirectory();
        var cache = new HubCache(dir.Path);
        const string commit = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        Assert.Null(cache.ResolveCommit("org/m", "main"));
        cache.WriteRef("org/m", "refs/pr/1", commit);
        Assert.Equal(commit, File.ReadAllText(Path.Combine(dir.Path, "models--org--m", "refs", "refs", "pr", "1")));
        Assert.Equal(commit, cache.ResolveCommit("org/m", "refs/pr/1"));
        Assert.Equal(commit, cache.ResolveCommit("org/m", commit));
        Assert.Throws<ArgumentException>(() => cache.ResolveCommit("org/m", "../../etc"));
    }

    [Fact]
    public void File_paths_that_could_escape_the_snapshot_are_refused()
    {
        using var dir = new TempDirectory();
        using var client = new HubClient(new HubOptions { CacheDir = dir.Path, Offline = true });
        foreach (string bad in new[] { "../x", "/etc/passwd", "a/../../b", "a//b" })
            Assert.ThrowsAny<ArgumentException>(() => client.GetFileUrl("org/m", bad));
        Assert.EndsWith("/org/m/resolve/main/sub%20dir/file.json", client.GetFileUrl("org/m", "sub dir/file.json").AbsoluteUri);
    }
}
