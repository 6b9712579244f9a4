using DistilBert.Sharp.Hub;
using DistilBert.Sharp.Tests.Hub;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Tests.Tokenization;

/// <summary>DistilBertTokenizer.FromPretrained with a Hub id, against a local fake Hub.</summary>
public class TokenizerHubTests
{
    [Fact]
    public void FromPretrained_with_a_hub_id_gives_the_same_ids_as_the_local_folder()
    {
        using var temp = new TempDirectory();
        var local = TinyVocabulary.Create(temp);
        using var hub = new FakeHub();
        foreach (string file in Directory.GetFiles(temp.Path))
            hub.Add("org/tok", Path.GetFileName(file), File.ReadAllBytes(file), lfs: false);

        var remote = DistilBertTokenizer.FromPretrained("org/tok", new HubOptions { Endpoint = hub.Endpoint, CacheDir = temp.Combine("cache") });

        const string text = "The quick brown fox\njumps.";
        Assert.Equal(local.EncodeToIds(text), remote.EncodeToIds(text));
        Assert.Equal(local.ModelMaxLength, remote.ModelMaxLength);
    }

    [Fact]
    public void A_missing_local_looking_path_is_reported_as_a_missing_folder()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => DistilBertTokenizer.FromPretrained("./no/such/tokenizer"));
        Assert.Contains("./no/such/tokenizer", ex.Message);
    }
}
