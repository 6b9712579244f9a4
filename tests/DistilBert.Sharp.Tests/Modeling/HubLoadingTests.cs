using DistilBert.Sharp.Hub;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Hub;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Weights;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Modeling;

/// <summary>FromPretrained with a Hub id: files come from a local fake Hub into an HF-layout cache.</summary>
[Collection(TorchRngCollection.Name)]
public class HubLoadingTests
{
    [Fact]
    public void FromPretrained_with_a_hub_id_downloads_and_loads_the_same_weights()
    {
        using var temp = new TempDirectory();
        using var original = new DistilBertForSequenceClassification(TinyModels.Config());
        original.eval();
        original.SavePretrained(temp.Combine("saved"));
        using var hub = new FakeHub();
        foreach (string file in new[] { "config.json", CheckpointReader.WeightsFileName })
            hub.Add("org/tiny", file, File.ReadAllBytes(temp.Combine("saved", file)), lfs: file.EndsWith(".safetensors"));

        var options = new PretrainedOptions { Hub = new HubOptions { Endpoint = hub.Endpoint, CacheDir = temp.Combine("cache") } };
        using var loaded = DistilBertForSequenceClassification.FromPretrained("org/tiny", options);

        using var ids = TinyModels.Ids(2, 6);
        using var expected = original.call(new ModelInputs(ids)).Logits!;
        using var actual = loaded.call(new ModelInputs(ids)).Logits!;
        Assert.True(expected.eq(actual).all().item<bool>(), "logits of the Hub-loaded model differ from the saved model's");
        Assert.True(Directory.Exists(temp.Combine("cache", "models--org--tiny", "snapshots", FakeHub.Commit)));

        // Offline, the warm cache is enough.
        using var offline = DistilBertForSequenceClassification.FromPretrained("org/tiny",
            options with { Offline = true, Hub = new HubOptions { Endpoint = "http://127.0.0.1:9", CacheDir = temp.Combine("cache") } });
        using var offlineLogits = offline.call(new ModelInputs(ids)).Logits!;
        Assert.True(expected.eq(offlineLogits).all().item<bool>());
    }

    [Fact]
    public void FromPretrained_with_an_unknown_hub_repo_names_it()
    {
        using var temp = new TempDirectory();
        using var hub = new FakeHub();
        var options = new PretrainedOptions { Hub = new HubOptions { Endpoint = hub.Endpoint, CacheDir = temp.Path } };
        var ex = Assert.ThrowsAny<HubException>(() => DistilBertModel.FromPretrained("org/missing", options));
        Assert.Contains("org/missing", ex.Message);
    }
}
