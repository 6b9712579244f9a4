using System.Security.Cryptography;
using System.Text;

namespace DistilBert.Sharp.Tests.Hub;

/// <summary>A file served by <see cref="FakeHub"/>.</summary>
public sealed class FakeFile(byte[] content, bool lfs)
{
    /// <summary>Bytes.</summary>
    public byte[] Content { get; } = content;
    /// <summary>Whether it is an LFS file (sha256 ETag, redirected to the CDN).</summary>
    public bool Lfs { get; } = lfs;
    /// <summary>sha256 (the Hub's LFS ETag).</summary>
    public string Sha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(content));
    /// <summary>Git blob sha1 (the Hub's ETag for regular files).</summary>
    public string GitSha1 { get; } = Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content]));
    /// <summary>The ETag the cache stores the blob under.</summary>
    public string ETag => Lfs ? Sha256 : GitSha1;
}

/// <summary>
/// Emulates the HuggingFace Hub's resolve endpoint on a local server: ETag/X-Linked-Etag, X-Linked-Size and
/// X-Repo-Commit headers, absolute redirects of LFS files to a CDN host (here <c>localhost</c>, a different authority
/// than <c>127.0.0.1</c>), relative redirects of renamed repositories, 401 for private repositories, 404 with
/// X-Error-Code, Range requests, and connections that drop mid-file.
/// </summary>
public sealed class FakeHub : IDisposable
{
    /// <summary>The commit every repository is at.</summary>
    public const string Commit = "0123456789abcdef0123456789abcdef01234567";

    private int _dropsLeft;

    /// <summary>Starts the server.</summary>
    public FakeHub() => Server = new LocalHttpServer(Handle);

    /// <summary>The server.</summary>
    public LocalHttpServer Server { get; }

    /// <summary>The endpoint to give the client.</summary>
    public string Endpoint => Server.BaseUrl;

    /// <summary>Repository → file → content.</summary>
    public Dictionary<string, Dictionary<string, FakeFile>> Repos { get; } = new();

    /// <summary>Repositories that need <see cref="Token"/>.</summary>
    public HashSet<string> PrivateRepos { get; } = new();

    /// <summary>The token private repositories accept.</summary>
    public string Token { get; set; } = "hf_correct_token_value";

    /// <summary>Old id → new id (answered with a relative redirect).</summary>
    public Dictionary<string, string> Renamed { get; } = new();

    /// <summary>Whether GETs honour Range.</summary>
    public bool SupportsRange { get; set; } = true;

    /// <summary>When set, the CDN serves different bytes than the announced sha256.</summary>
    public bool CorruptCdn { get; set; }

    /// <summary>Makes the next <paramref name="count"/> content GETs drop after <paramref name="bytes"/> bytes.</summary>
    public void DropNext(int count, int bytes) { _dropsLeft = count; DropAfter = bytes; }

    private int DropAfter { get; set; }

    /// <summary>Adds a file.</summary>
    public FakeFile Add(string repo, string file, byte[] content, bool lfs)
    {
        if (!Repos.TryGetValue(repo, out var files)) Repos[repo] = files = new();
        return files[file] = new FakeFile(content, lfs);
    }

    /// <summary>Content GETs (not HEADs) received so far.</summary>
    public int ContentGets => Server.Requests.Count(r => r.Method == "GET");

    private ServerResponse Handle(RecordedRequest request)
    {
        if (request.Path.StartsWith("/cdn/", StringComparison.Ordinal))
        {
            string sha = request.Path["/cdn/".Length..].Split('?')[0];
            FakeFile? lfs = Repos.Values.SelectMany(f => f.Values).FirstOrDefault(f => f.Sha256 == sha);
            if (lfs is null) return new ServerResponse { Status = 404 };
            byte[] bytes = CorruptCdn ? lfs.Content.Select(b => (byte)(b ^ 0xFF)).ToArray() : lfs.Content;
            return Content(request, bytes, new());
        }
        int resolve = request.Path.IndexOf("/resolve/", StringComparison.Ordinal);
        if (resolve < 0) return new ServerResponse { Status = 404 };
        string repo = request.Path[1..resolve];
        string rest = request.Path[(resolve + "/resolve/".Length)..];
        string revision = rest[..rest.IndexOf('/')];
        string file = rest[(rest.IndexOf('/') + 1)..];
        if (Renamed.TryGetValue(repo, out string? newId))
            return new ServerResponse { Status = 307, Headers = { ["Location"] = $"/{newId}/resolve/{revision}/{file}" } };
        if (PrivateRepos.Contains(repo) && request.Header("Authorization") != "Bearer " + Token)
            return new ServerResponse { Status = 401, Headers = { ["X-Error-Code"] = "GatedRepo" } };
        if (!Repos.TryGetValue(repo, out var files))
            return new ServerResponse { Status = 404, Headers = { ["X-Error-Code"] = "RepoNotFound" } };
        if (revision != "main" && revision != Commit)
            return new ServerResponse { Status = 404, Headers = { ["X-Error-Code"] = "RevisionNotFound" } };
        if (!files.TryGetValue(file, out FakeFile? entry))
            return new ServerResponse { Status = 404, Headers = { ["X-Error-Code"] = "EntryNotFound", ["X-Repo-Commit"] = Commit } };
        if (entry.Lfs)
        {
            return new ServerResponse
            {
                Status = 302,
                Headers =
                {
                    ["Location"] = $"http://localhost:{Server.Port}/cdn/{entry.Sha256}?signature=s3cr3t",
                    ["X-Linked-Etag"] = $"\"{entry.Sha256}\"",
                    ["X-Linked-Size"] = entry.Content.Length.ToString(),
                    ["X-Repo-Commit"] = Commit,
                    ["ETag"] = "\"not-the-content-etag\"",
                },
            };
        }
        return Content(request, entry.Content, new() { ["ETag"] = $"\"{entry.GitSha1}\"", ["X-Repo-Commit"] = Commit });
    }

    private ServerResponse Content(RecordedRequest request, byte[] bytes, Dictionary<string, string> headers)
    {
        int? drop = null;
        if (request.Method == "GET" && _dropsLeft > 0) { _dropsLeft--; drop = DropAfter; }
        string? range = request.Header("Range");
        if (SupportsRange && range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            int from = int.Parse(range["bytes=".Length..^1]);
            if (from >= bytes.Length)
                return new ServerResponse { Status = 416, Headers = { ["Content-Range"] = $"bytes */{bytes.Length}" } };
            var partial = new ServerResponse { Status = 206, Body = bytes[from..], DropAfterBytes = drop, Headers = new(headers, StringComparer.OrdinalIgnoreCase) };
            partial.Headers["Content-Range"] = $"bytes {from}-{bytes.Length - 1}/{bytes.Length}";
            return partial;
        }
        return new ServerResponse { Status = 200, Body = bytes, DropAfterBytes = drop, Headers = new(headers, StringComparer.OrdinalIgnoreCase) };
    }

    /// <summary>Stops the server.</summary>
    public void Dispose() => Server.Dispose();
}
