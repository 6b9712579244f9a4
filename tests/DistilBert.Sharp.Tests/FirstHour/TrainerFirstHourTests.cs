using System.Text.Json;
using System.Text.RegularExpressions;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tests.Training;
using DistilBert.Sharp.Training;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace DistilBert.Sharp.Tests.FirstHour;

/// <summary>Issue #17, defects 2, 6 and 8: progress lines through the ILogger, resume=true, GetLastCheckpoint, torch.Device.</summary>
[Collection(TorchRngCollection.Name)]
public class TrainerFirstHourTests
{
    private static TrainingArguments Args(string dir) => new()
    {
        OutputDir = dir, NumTrainEpochs = 2, PerDeviceTrainBatchSize = 8, LearningRate = 1e-2, WarmupSteps = 0.1,
        LoggingSteps = 100, SaveStrategy = SaveStrategy.Steps, SaveSteps = 3, Seed = 5,
    };

    private static TinyClassifier NewModel()
    {
        torch.manual_seed(0);
        return new TinyClassifier(new TinyConfig());
    }

    [Fact]
    public void Training_logs_progress_lines_with_step_total_loss_lr_and_eta()
    {
        var data = SyntheticData.Create(40, seed: 2); // 5 batches per epoch, 10 steps
        using var dir = new TempDirectory();
        var logger = new TestLogger<Trainer>();
        using var model = NewModel();
        using (var trainer = new Trainer(model, Args(dir.Path), data, logger: logger) { ProgressLogInterval = TimeSpan.Zero })
            trainer.Train();

        var lines = logger.Entries.Where(e => e.Message.StartsWith("Step ", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Equal(10, lines.Count); // interval zero: one line per step
        var pattern = new Regex(@"^Step (\d+)/10 \(\d+%\), epoch [\d.]+: loss ([\d.]+), lr ([\d.e+-]+), \d+:\d\d elapsed, ETA \d+:\d\d");
        for (int i = 0; i < lines.Count; i++)
        {
            var m = pattern.Match(lines[i]);
            Assert.True(m.Success, lines[i]);
            Assert.Equal(i + 1, int.Parse(m.Groups[1].Value));
            Assert.True(double.Parse(m.Groups[2].Value) > 0);
        }
        // The schedule: warmup 0.1 × 10 = 1 step, so step 1 runs at lr 0 and step 2 at the peak 1e-2.
        Assert.Equal(0, double.Parse(Regex.Match(lines[0], @"lr ([\d.e+-]+)").Groups[1].Value));
        Assert.Equal(1e-2, double.Parse(Regex.Match(lines[1], @"lr ([\d.e+-]+)").Groups[1].Value), 6);
        Assert.Contains("ETA 0:00", lines[^1]);
    }

    [Fact]
    public void Progress_lines_follow_the_interval_and_disable_tqdm_turns_them_off()
    {
        var data = SyntheticData.Create(40, seed: 2);
        using var dir = new TempDirectory();
        var logger = new TestLogger<Trainer>();
        using (var model = NewModel())
        using (var trainer = new Trainer(model, Args(dir.Path), data, logger: logger) { ProgressLogInterval = TimeSpan.FromHours(1) })
            trainer.Train();
        var steps = logger.Entries.Where(e => e.Message.StartsWith("Step ", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Equal(2, steps.Count); // the first and the last step always get a line
        Assert.StartsWith("Step 1/10", steps[0]);
        Assert.StartsWith("Step 10/10", steps[1]);

        var quiet = new TestLogger<Trainer>();
        using (var model = NewModel())
        using (var trainer = new Trainer(model, Args(dir.Path) with { DisableTqdm = true, SaveStrategy = SaveStrategy.No }, data, logger: quiet))
            trainer.Train();
        Assert.DoesNotContain(quiet.Entries, e => e.Message.StartsWith("Step ", StringComparison.Ordinal));
    }

    private sealed class StopAtStep(int step) : TrainerCallback
    {
        public override void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control)
        {
            if (state.GlobalStep == step) control.ShouldTrainingStop = true;
        }
    }

    [Fact]
    public void Train_with_resume_true_continues_from_the_last_checkpoint_and_matches_an_uninterrupted_run()
    {
        var data = SyntheticData.Create(40, seed: 2);
        using var full = new TempDirectory();
        using var fullModel = NewModel();
        using (var trainer = new Trainer(fullModel, Args(full.Path), data)) trainer.Train();

        using var dir = new TempDirectory();
        using (var model = NewModel())
        using (var trainer = new Trainer(model, Args(dir.Path), data, callbacks: [new StopAtStep(7)]))
            trainer.Train(); // stops after step 7; checkpoints at 3, 6 and 7 (the stop saves nothing extra, 7 is not a multiple)
        Assert.EndsWith("checkpoint-6", Trainer.GetLastCheckpoint(dir.Path));

        var logger = new TestLogger<Trainer>();
        using var resumed = NewModel();
        using (var trainer = new Trainer(resumed, Args(dir.Path), data, logger: logger))
        {
            var output = trainer.Train(resumeFromCheckpoint: true);
            Assert.Equal(10, output.GlobalStep);
        }
        Assert.Contains(logger.Entries, e => e.Message.Contains("Resuming from") && e.Message.Contains("checkpoint-6"));
        var expected = fullModel.Snapshot();
        foreach (var (name, values) in resumed.Snapshot())
            Assert.Equal(expected[name], values); // bit-identical to the uninterrupted run
    }

    [Fact]
    public void Resume_true_without_a_checkpoint_says_so_and_GetLastCheckpoint_is_null_for_a_missing_folder()
    {
        using var dir = new TempDirectory();
        using var model = NewModel();
        using var trainer = new Trainer(model, Args(dir.Combine("empty")), SyntheticData.Create(16, seed: 1));
        var ex = Assert.Throws<InvalidOperationException>(() => trainer.Train(resumeFromCheckpoint: true));
        Assert.Contains(Path.GetFullPath(dir.Combine("empty")), ex.Message);
        Assert.Null(Trainer.GetLastCheckpoint(dir.Combine("does-not-exist")));
        FakeCheckpoints.Create(dir.Combine("out", "checkpoint-9"));
        FakeCheckpoints.Create(dir.Combine("out", "checkpoint-10"));
        Directory.CreateDirectory(dir.Combine("out", "checkpoint-11")); // incomplete: skipped (#18)
        Assert.Equal(dir.Combine("out", "checkpoint-10"), Trainer.GetLastCheckpoint(dir.Combine("out"))); // numeric, not lexical
    }

    [Fact]
    public void Device_is_a_torch_Device_written_to_training_args_json_by_name()
    {
        var args = new TrainingArguments { OutputDir = "x", Device = torch.CPU };
        using var json = JsonDocument.Parse(args.ToJson());
        Assert.Equal("cpu", json.RootElement.GetProperty("device").GetString());
        Assert.Equal(DeviceType.CPU, TrainingArguments.FromJson(args.ToJson()).Device.type);
        var cuda1 = TrainingArguments.FromJson(args.ToJson().Replace("\"cpu\"", "\"cuda:1\""));
        Assert.Equal((DeviceType.CUDA, 1), (cuda1.Device.type, cuda1.Device.index));
        Assert.Contains("\"cuda:1\"", cuda1.ToJson());
        Assert.Throws<JsonException>(() => TrainingArguments.FromJson(args.ToJson().Replace("\"cpu\"", "\"toaster\"")));
        // Callers that set a device name keep compiling: TorchSharp converts a string to a torch.Device.
        var byName = new TrainingArguments { OutputDir = "x", Device = "cuda:1" };
        Assert.Equal((DeviceType.CUDA, 1), (byName.Device.type, byName.Device.index));
    }
}
