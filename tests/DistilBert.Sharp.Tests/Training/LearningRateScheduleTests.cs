using DistilBert.Sharp.Training;
using DistilBert.Sharp.Training.Optimization;

namespace DistilBert.Sharp.Tests.Training;

public class LearningRateScheduleTests
{
    private static double[] Factors(SchedulerType type, int warmup, int total, double baseLr = 1.0) =>
        Enumerable.Range(0, total + 1).Select(s => new LearningRateSchedule(type, warmup, total, baseLr).Factor(s)).ToArray();

    [Fact]
    public void Linear_warmup_then_linear_decay_to_zero()
    {
        // Hand computed: warmup 2 of 6 → 0, 1/2, then (6-s)/4.
        Assert.Equal([0, 0.5, 1, 0.75, 0.5, 0.25, 0], Factors(SchedulerType.Linear, 2, 6));
    }

    [Fact]
    public void Cosine_is_half_a_wave_after_warmup()
    {
        var f = Factors(SchedulerType.Cosine, 2, 10);
        Assert.Equal(0.5, f[1], 12);
        Assert.Equal(1.0, f[2], 12);
        Assert.Equal(0.5, f[6], 12); // half way through the decay: 0.5 * (1 + cos(pi/2))
        Assert.Equal(0.5 * (1 + Math.Cos(Math.PI * 0.25)), f[4], 12);
        Assert.Equal(0.0, f[10], 12);
    }

    [Fact]
    public void Cosine_with_restarts_single_cycle_matches_cosine_and_is_zero_at_the_end()
    {
        var restarts = Factors(SchedulerType.CosineWithRestarts, 0, 8);
        var cosine = Factors(SchedulerType.Cosine, 0, 8);
        for (int s = 0; s < 8; s++) Assert.Equal(cosine[s], restarts[s], 12);
        Assert.Equal(0.0, restarts[8]);
    }

    [Fact]
    public void Polynomial_power_one_decays_to_lr_end()
    {
        const double lr = 1e-3;
        var f = Factors(SchedulerType.Polynomial, 0, 4, lr);
        Assert.Equal(1.0, f[0], 12);
        Assert.Equal(((lr - 1e-7) * 0.5 + 1e-7) / lr, f[2], 12);
        Assert.Equal(1e-7 / lr, f[4], 12);
        Assert.Equal(1e-7 / lr, new LearningRateSchedule(SchedulerType.Polynomial, 0, 4, lr).Factor(9), 12);
    }

    [Fact]
    public void Constant_and_constant_with_warmup()
    {
        Assert.All(Factors(SchedulerType.Constant, 3, 5), f => Assert.Equal(1.0, f));
        Assert.Equal([0, 1.0 / 3, 2.0 / 3, 1, 1, 1], Factors(SchedulerType.ConstantWithWarmup, 3, 5));
    }

    [Fact]
    public void Warmup_ratio_rounds_up_like_HF()
    {
        var args = new TrainingArguments { OutputDir = "x", WarmupRatio = 0.1 };
        Assert.Equal(11, args.GetWarmupSteps(101));
        Assert.Equal(5, (args with { WarmupSteps = 5 }).GetWarmupSteps(101));
    }
}
