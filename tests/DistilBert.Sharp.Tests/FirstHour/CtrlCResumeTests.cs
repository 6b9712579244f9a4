using System.Text.Json;
using System.Text.RegularExpressions;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Training;

namespace DistilBert.Sharp.Tests.FirstHour;

/// <summary>
/// Issue #17, defects 1 and 2, end to end: the real sample as a child process on a synthetic aclImdb and a tiny model.
/// SIGINT after the first checkpoint must stop at a step boundary with exit code 3, name the last checkpoint and print
/// the exact resume command; that command, run through a shell as printed, must finish the run from the checkpoint.
/// </summary>
[Collection(TorchRngCollection.Name)]
public class CtrlCResumeTests
{
    [SkippableFact]
    public async Task Ctrl_C_stops_with_exit_3_and_the_printed_resume_command_finishes_the_run()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGINT is POSIX.");
        using var temp = new TempDirectory();
        string aclImdb = TinyImdb.WriteDataset(temp.Path, perLabel: 40);
        string model = TinyImdb.WriteModel(temp.Combine("tiny-distilbert"));
        string output = temp.Combine("run");
        string checkpoints = Path.Combine(output, "checkpoints");
        // 64 train reviews, batch 16: 4 steps per epoch, 12 epochs = 48 steps, an evaluation and a checkpoint every 3 steps.
        // (Long enough that a loaded test machine, which may starve this process, cannot let the run finish before SIGINT.)
        string[] args = ["--model", model, "--data", aclImdb, "--output", output, "--epochs", "12", "--batch-size", "16",
                         "--learning-rate", "2e-3", "--max-length", "32", "--max-eval-samples", "8", "--save-steps", "3", "--preset", "cpu"];

        string stopped;
        using (var first = SampleProcess.Start(args, temp.Path))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (Trainer.GetLastCheckpoint(checkpoints) is null && !first.HasExited && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.False(first.HasExited, "the run ended before it could be interrupted:\n" + first.Output);
            first.Interrupt();
            int exit = await first.WaitAsync(TimeSpan.FromSeconds(120));
            stopped = first.Output;
            Assert.True(exit == 3, $"exit code {exit}, expected 3 (interrupted). Output:\n{stopped}");
        }
        var last = Regex.Match(stopped, @"Stopped\. The last checkpoint is (\S+)");
        Assert.True(last.Success, stopped);
        Assert.True(Directory.Exists(last.Groups[1].Value), $"{last.Groups[1].Value} does not exist");
        Assert.Equal(Trainer.GetLastCheckpoint(checkpoints), last.Groups[1].Value);
        int stoppedAt = int.Parse(Path.GetFileName(last.Groups[1].Value)["checkpoint-".Length..]);
        Assert.InRange(stoppedAt, 3, 47);
        Assert.False(File.Exists(Path.Combine(output, "metrics.json")));

        string resume = Regex.Match(stopped, @"Resume with:\r?\n  (.+)").Groups[1].Value.TrimEnd();
        Assert.Contains($"--output {output} --resume", resume);
        Assert.Contains($"--data {aclImdb}", resume);

        using var second = SampleProcess.Shell(resume, "/"); // any directory: the command carries absolute paths
        int resumedExit = await second.WaitAsync(TimeSpan.FromSeconds(300)); // generous: the test machine may be shared
        Assert.True(resumedExit == 0, $"resume exit code {resumedExit}. Output:\n{second.Output}");
        Assert.Contains("Resuming from", second.Output);
        Assert.Contains($"at step {stoppedAt}", second.Output.ReplaceLineEndings(""));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        Assert.Equal(8, metrics.RootElement.GetProperty("test_samples").GetInt32()); // --max-eval-samples caps test too
        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(Trainer.GetLastCheckpoint(checkpoints)!, "trainer_state.json")));
        Assert.Equal(48, state.RootElement.GetProperty("global_step").GetInt32());
    }
}
