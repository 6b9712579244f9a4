using DistilBert.Sharp.IO;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Weights;
using TorchSharp;

namespace DistilBert.Sharp.Tests.Reliability;

/// <summary>
/// <c>SavePretrained</c> and the folder swap under it: what survives a save, and the exact states a kill can leave
/// (built here by hand; <see cref="FaultInjectionTests"/> produces them with real SIGKILLs).
/// </summary>
[Collection(TorchRngCollection.Name)]
public class AtomicSaveTests
{
    internal static DistilBertForSequenceClassification Tiny(int labels, int seed)
    {
        torch.manual_seed(seed);
        return new DistilBertForSequenceClassification(new DistilBertConfig
        {
            Dim = 8, NLayers = 1, NHeads = 2, HiddenDim = 16, VocabSize = 30, MaxPositionEmbeddings = 16, NumLabels = labels,
        });
    }

    private static string[] Listing(string dir) =>
        Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(dir, p)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void SavePretrained_over_a_folder_keeps_foreign_files_replaces_its_own_and_drops_stale_weights_and_temporaries()
    {
        using var dir = new TempDirectory();
        string target = dir.Combine("model");
        using (var old = Tiny(2, 1)) old.SavePretrained(target);
        File.WriteAllText(Path.Combine(target, "README.md"), "my notes");
        File.WriteAllText(Path.Combine(target, "vocab.txt"), "[PAD]\n");
        Directory.CreateDirectory(Path.Combine(target, "runs"));
        File.WriteAllText(Path.Combine(target, "runs", "log.txt"), "x");
        File.WriteAllText(Path.Combine(target, "model-00001-of-00002.safetensors"), "stale shard of an older layout");
        File.WriteAllText(Path.Combine(target, "model.safetensors.0badc0de.tmp"), "what a killed save of an older version left");

        using var model = Tiny(3, 2);
        model.SavePretrained(target);

        Assert.Equal(
            ["README.md", "config.json", "model.safetensors", "runs", Path.Combine("runs", "log.txt"), "vocab.txt"],
            Listing(target));
        Assert.Equal("my notes", File.ReadAllText(Path.Combine(target, "README.md")));
        using var loaded = DistilBertForSequenceClassification.FromPretrained(target);
        Assert.Equal(3, loaded.Config.NumLabels);
        Assert.Empty(Directory.GetDirectories(dir.Path, ".*")); // no staging or old folder left beside it
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_save_that_fails_mid_write_leaves_the_old_folder_whole_and_nothing_beside_it(bool exchange)
    {
        using var swap = new SwapMode(exchange);
        using var dir = new TempDirectory();
        string target = dir.Combine("model");
        using (var old = Tiny(2, 1)) old.SavePretrained(target);
        var before = Listing(target).Select(f => (f, File.Exists(Path.Combine(target, f)) ? File.ReadAllBytes(Path.Combine(target, f)) : null)).ToList();

        Assert.Throws<IOException>(() => AtomicDirectory.Replace(target, staging =>
        {
            File.WriteAllText(Path.Combine(staging, "config.json"), "{}");
            throw new IOException("simulated failure after the config, before the weights");
        }));

        Assert.Equal(before.Select(b => b.f), Listing(target));
        foreach (var (f, bytes) in before) if (bytes is not null) Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(target, f)));
        Assert.Empty(Directory.GetDirectories(dir.Path, ".*"));
    }

    [Fact]
    public void A_swap_killed_between_its_two_renames_is_undone_by_the_next_load_and_the_next_save()
    {
        using var dir = new TempDirectory();
        string target = dir.Combine("model");
        using (var old = Tiny(2, 1)) old.SavePretrained(target);
        string id = Guid.NewGuid().ToString("N");

        // The portable swap's state after its first rename: old folder hidden, complete new one staged, no target.
        void KillMidSwap()
        {
            Directory.Move(target, Path.Combine(dir.Path, $".model.{id}.replaced"));
            using var next = Tiny(3, 2);
            CheckpointWriter.Save(Path.Combine(dir.Path, $".model.{id}.saving"), next.state_dict());
        }

        KillMidSwap();
        using (var loaded = DistilBertForSequenceClassification.FromPretrained(target)) // load recovers: wholly old
            Assert.Equal(2, loaded.Config.NumLabels);
        Assert.Equal([$".model.{id}.saving"], Directory.GetDirectories(dir.Path, ".*").Select(Path.GetFileName));

        using (var again = Tiny(3, 3)) again.SavePretrained(target); // the next save cleans the rest
        Assert.Empty(Directory.GetDirectories(dir.Path, ".*"));
        using (var loaded = DistilBertForSequenceClassification.FromPretrained(target)) Assert.Equal(3, loaded.Config.NumLabels);

        Directory.Delete(target, recursive: true);
        using (var old = Tiny(2, 1)) old.SavePretrained(target);
        id = Guid.NewGuid().ToString("N");
        KillMidSwap();
        using (var next = Tiny(3, 4)) next.SavePretrained(target); // a save right after the kill restores, then replaces
        Assert.Empty(Directory.GetDirectories(dir.Path, ".*"));
        using (var loaded = DistilBertForSequenceClassification.FromPretrained(target)) Assert.Equal(3, loaded.Config.NumLabels);
    }

    [Fact]
    public void Saving_into_the_working_folder_replaces_files_one_by_one_and_keeps_the_folder_in_place()
    {
        using var dir = new TempDirectory();
        string target = dir.Combine("model");
        using (var old = Tiny(2, 1)) old.SavePretrained(target);
        File.WriteAllText(Path.Combine(target, "README.md"), "my notes");
        File.WriteAllText(Path.Combine(target, "model-00001-of-00002.safetensors"), "stale");
        string cwd = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = target; // the collection runs alone, so no other test sees this
            using var model = Tiny(3, 2);
            model.SavePretrained(".");
            Assert.True(Directory.Exists(Environment.CurrentDirectory)); // not swapped away from under the process
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
        }
        Assert.Equal(["README.md", "config.json", "model.safetensors"], Listing(target));
        using var loaded = DistilBertForSequenceClassification.FromPretrained(target);
        Assert.Equal(3, loaded.Config.NumLabels);
        Assert.Empty(Directory.GetDirectories(dir.Path, ".*"));
    }

    [Fact]
    public void Atomic_file_writes_remove_the_temporaries_of_killed_writes_of_the_same_file_only()
    {
        using var dir = new TempDirectory();
        string target = dir.Combine("weights.safetensors");
        File.WriteAllText(target + ".deadbeef.tmp", "killed");
        File.WriteAllText(target + "." + Guid.NewGuid().ToString("N") + ".tmp", "killed (32-hex form)");
        File.WriteAllText(dir.Combine("other.safetensors.deadbeef.tmp"), "another file's temporary");
        File.WriteAllText(dir.Combine("notes.tmp"), "not a temporary of ours");
        using (var scope = torch.NewDisposeScope())
            SafetensorsWriter.Save(target, [new("a", torch.ones(2))]);
        Assert.Equal(["notes.tmp", "other.safetensors.deadbeef.tmp", "weights.safetensors"], Listing(dir.Path));
    }

    /// <summary>Selects the Linux exchange or the portable two-rename swap for one test.</summary>
    internal sealed class SwapMode : IDisposable
    {
        private readonly bool _saved = AtomicDirectory.UseExchange;

        public SwapMode(bool exchange) => AtomicDirectory.UseExchange = exchange && OperatingSystem.IsLinux();

        public void Dispose() => AtomicDirectory.UseExchange = _saved;
    }
}
