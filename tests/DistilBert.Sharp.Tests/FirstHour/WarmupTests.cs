using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tests.Training;
using DistilBert.Sharp.Training;
using ImdbFineTune;
using Microsoft.Extensions.Logging;

namespace DistilBert.Sharp.Tests.FirstHour;

/// <summary>Issue #17, defect 7: a warmup that scales with the run (HF v5's fractional warmup_steps) and a warning when it covers the run.</summary>
[Collection(TorchRngCollection.Name)]
public class WarmupTests
{
    [Theory]
    [InlineData(0.1, 0.0, 19, 2)]     // HF v5: a fraction < 1 is a share of the steps, rounded up: ceil(1.9) = 2
    [InlineData(0.5, 0.0, 10, 5)]
    [InlineData(25.0, 0.0, 19, 25)]   // a whole number is a step count
    [InlineData(0.0, 0.06, 101, 7)]   // HF v4's warmup_ratio still applies when warmup_steps is 0: ceil(6.06) = 7
    [InlineData(0.0, 0.0, 50, 0)]
    public void Warmup_steps_accept_a_count_or_a_fraction_of_the_run(double warmupSteps, double warmupRatio, int total, int expected)
    {
        var args = new TrainingArguments { OutputDir = "x", WarmupSteps = warmupSteps, WarmupRatio = warmupRatio };
        args.Validate();
        Assert.Equal(expected, args.GetWarmupSteps(total));
    }

    [Theory]
    [InlineData(2.5)]
    [InlineData(-0.1)]
    public void A_fractional_step_count_above_one_is_rejected(double warmupSteps)
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrainingArguments { OutputDir = "x", WarmupSteps = warmupSteps }.Validate());
        Assert.Contains("warmup_steps", ex.Message);
    }

    [Fact]
    public void The_sample_presets_warm_up_for_a_share_of_the_run_so_a_300_review_run_leaves_warmup()
    {
        // The quick run: 300 train reviews at batch 16 = 19 steps. The old fixed 25 steps never left warmup.
        foreach (var preset in new[] { Preset.Cpu, Preset.Full })
        {
            Assert.InRange(preset.WarmupSteps, 0.01, 0.99);
            var args = new TrainingArguments { OutputDir = "x", WarmupSteps = preset.WarmupSteps };
            Assert.InRange(args.GetWarmupSteps(19), 1, 4);
        }
    }

    [Fact]
    public void The_trainer_warns_when_the_warmup_covers_the_whole_run()
    {
        var data = SyntheticData.Create(32, seed: 3);
        using var dir = new TempDirectory();
        var logger = new TestLogger<Trainer>();
        using var model = new TinyClassifier(new TinyConfig());
        var args = new TrainingArguments
        {
            OutputDir = dir.Path, MaxSteps = 4, PerDeviceTrainBatchSize = 8, WarmupSteps = 25, SaveStrategy = SaveStrategy.No, DisableTqdm = true,
        };
        using (var trainer = new Trainer(model, args, data, logger: logger)) trainer.Train();
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("25 steps", warning.Message);
        Assert.Contains("4 steps", warning.Message);

        var quiet = new TestLogger<Trainer>();
        using var model2 = new TinyClassifier(new TinyConfig());
        using (var trainer = new Trainer(model2, args with { WarmupSteps = 0.25 }, data, logger: quiet)) trainer.Train();
        Assert.DoesNotContain(quiet.Entries, e => e.Level == LogLevel.Warning);
    }
}
