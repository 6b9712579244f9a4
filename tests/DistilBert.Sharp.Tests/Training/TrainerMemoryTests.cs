using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Training;
using TorchSharp;
using Xunit.Abstractions;

namespace DistilBert.Sharp.Tests.Training;

[Collection(TorchRngCollection.Name)]
public class TrainerMemoryTests(ITestOutputHelper output)
{
    private sealed class LiveTensorProbe : TrainerCallback
    {
        public Dictionary<int, long> LiveAt { get; } = [];

        public override void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control)
        {
            if (state.GlobalStep % 250 == 0) LiveAt[state.GlobalStep] = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        }
    }

    [Fact]
    public void Two_thousand_steps_keep_the_live_tensor_count_flat_after_warm_up()
    {
        using var dir = new TempDirectory();
        var data = SyntheticData.Create(64, seed: 1);
        torch.manual_seed(0);
        using var model = new TinyClassifier(new TinyConfig());
        var probe = new LiveTensorProbe();
        var args = new TrainingArguments
        {
            OutputDir = dir.Path, MaxSteps = 2000, PerDeviceTrainBatchSize = 4, LearningRate = 1e-3, LoggingSteps = 100,
            EvalStrategy = IntervalStrategy.Steps, EvalSteps = 500, SaveStrategy = SaveStrategy.No,
        };
        using var trainer = new Trainer(model, args, data, data.Select(Enumerable.Range(0, 16).ToArray()), callbacks: [probe]);
        trainer.Train();

        output.WriteLine("live tensors by step: " + string.Join(", ", probe.LiveAt.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.Equal(8, probe.LiveAt.Count);
        long warm = probe.LiveAt[250];
        Assert.All(probe.LiveAt.Where(kv => kv.Key > 250), kv => Assert.Equal(warm, kv.Value));
    }
}
