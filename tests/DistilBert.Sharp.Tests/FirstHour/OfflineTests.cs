using DistilBert.Sharp.Hub;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tests.Weights;
using ImdbFineTune;
using Microsoft.Extensions.Logging;

namespace DistilBert.Sharp.Tests.FirstHour;

/// <summary>
/// Issue #17, defect 3: a host name that cannot resolve (the <c>.invalid</c> TLD never does, RFC 2606) is what an
/// offline machine sees. It is not retried, the message names the URL and says the machine looks offline, no partial
/// file is claimed, and the sample adds the flags that avoid the network.
/// </summary>
public class OfflineTests
{
    private static readonly Uri Unresolvable = new("http://distilbert-sharp-offline-test.invalid/data/aclImdb_v1.tar.gz");

    [Fact]
    public async Task An_unresolvable_host_fails_once_naming_the_url_and_keeps_no_partial_file()
    {
        using var temp = new TempDirectory();
        string destination = temp.Combine("cache", "aclImdb_v1.tar.gz");
        var logger = new ListLogger();
        var request = new DownloadRequest { DisplayName = "aclImdb_v1.tar.gz", Logger = logger, MaxResumeAttempts = 3 };
        var ex = await Assert.ThrowsAsync<HubOfflineException>(() =>
            FileDownloader.DownloadCoreAsync(HttpTransport.SharedClient, Unresolvable, destination, request, CancellationToken.None));

        Assert.Contains(Unresolvable.ToString(), ex.Message);
        Assert.Contains("looks offline", ex.Message);
        Assert.DoesNotContain("partial file", ex.Message);
        Assert.DoesNotContain(logger.Entries, e => e.Level == LogLevel.Warning); // no "resuming (attempt n of 3)": no retry
        Assert.False(File.Exists(destination + FileDownloader.IncompleteSuffix));
        Assert.False(File.Exists(destination));
    }

    [Fact]
    public async Task The_hub_client_says_the_machine_looks_offline_when_the_endpoint_does_not_resolve()
    {
        using var cache = new TempDirectory();
        using var client = new HubClient(new HubOptions { Endpoint = "https://hub.distilbert-sharp-offline-test.invalid", CacheDir = cache.Path, Token = "" });
        var ex = await Assert.ThrowsAsync<HubOfflineException>(() => client.DownloadFileAsync("distilbert/distilbert-base-uncased", "config.json"));
        Assert.Contains("looks offline", ex.Message);
        Assert.Contains("hub.distilbert-sharp-offline-test.invalid", ex.Message);
        Assert.Contains("local folder", ex.Message);
    }

    [Fact]
    public void The_sample_turns_an_offline_error_into_one_line_with_the_flags_to_use()
    {
        var offline = new HubOfflineException($"Cannot reach {Unresolvable}: the host name could not be resolved. This machine looks offline.");
        Assert.True(UserFacingError.IsExpected(offline));
        string line = UserFacingError.Describe(offline);
        Assert.DoesNotContain('\n', line);
        Assert.Contains(Unresolvable.ToString(), line);
        Assert.Contains("--data", line);
        Assert.Contains("--model", line);
        Assert.Contains("--train-file", line);
    }
}
