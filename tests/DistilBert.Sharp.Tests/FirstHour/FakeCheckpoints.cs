namespace DistilBert.Sharp.Tests.FirstHour;

/// <summary>Checkpoint folders that <c>GetLastCheckpoint</c> counts as complete (every file a resume reads, empty).</summary>
internal static class FakeCheckpoints
{
    public static string Create(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (string file in new[] { "config.json", "model.safetensors", "optimizer.safetensors", "rng_state.safetensors", "trainer_state.json", "training_args.json" })
            File.WriteAllText(Path.Combine(folder, file), "");
        return folder;
    }
}
