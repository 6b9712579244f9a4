using DistilBert.Sharp.Training;

namespace DistilBert.Sharp.Tests.Training;

public class TrainingArgumentsTests
{
    private static TrainingArguments Valid => new() { OutputDir = "out" };

    [Fact]
    public void Defaults_are_HFs()
    {
        var a = Valid;
        Assert.Equal(3.0, a.NumTrainEpochs);
        Assert.Equal(8, a.PerDeviceTrainBatchSize);
        Assert.Equal(5e-5, a.LearningRate);
        Assert.Equal(0.0, a.WeightDecay);
        Assert.Equal((0.9, 0.999, 1e-8), (a.AdamBeta1, a.AdamBeta2, a.AdamEpsilon));
        Assert.Equal(1.0, a.MaxGradNorm);
        Assert.Equal(42, a.Seed);
        Assert.Equal(SchedulerType.Linear, a.LrSchedulerType);
        Assert.Equal(500, a.LoggingSteps);
        Assert.Equal(500, a.EffectiveEvalSteps);
        a.Validate();
    }

    [Theory]
    [InlineData("mismatch")]
    [InlineData("no-eval")]
    [InlineData("steps-multiple")]
    [InlineData("grad-acc")]
    [InlineData("best-without-eval")]
    public void Invalid_combinations_are_rejected_up_front(string which)
    {
        TrainingArguments a = which switch
        {
            "mismatch" => Valid with { LoadBestModelAtEnd = true, EvalStrategy = IntervalStrategy.Epoch, SaveStrategy = SaveStrategy.Steps },
            "no-eval" => Valid with { LoadBestModelAtEnd = true },
            "steps-multiple" => Valid with { LoadBestModelAtEnd = true, EvalStrategy = IntervalStrategy.Steps, EvalSteps = 30, SaveSteps = 50 },
            "grad-acc" => Valid with { GradientAccumulationSteps = 0 },
            _ => Valid with { SaveStrategy = SaveStrategy.Best },
        };
        var ex = Assert.Throws<ArgumentException>(a.Validate);
        string expected = which switch
        {
            "mismatch" => "save and eval strategy to match",
            "no-eval" => "eval_strategy",
            "steps-multiple" => "round multiple",
            "grad-acc" => "gradient_accumulation_steps",
            _ => "save_strategy=best",
        };
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Valid_best_model_combination_and_metric_defaults()
    {
        var a = Valid with { LoadBestModelAtEnd = true, EvalStrategy = IntervalStrategy.Steps, EvalSteps = 10, SaveSteps = 20 };
        a.Validate();
        Assert.Equal("loss", a.EffectiveMetricForBestModel);
        Assert.False(a.EffectiveGreaterIsBetter);
        Assert.True((a with { MetricForBestModel = "accuracy" }).EffectiveGreaterIsBetter);
    }

    [Fact]
    public void Json_round_trip_uses_HF_snake_case_names()
    {
        var a = Valid with { LearningRate = 1e-4, LrSchedulerType = SchedulerType.CosineWithRestarts, SaveTotalLimit = 2 };
        string json = a.ToJson();
        Assert.Contains("\"learning_rate\": 0.0001", json);
        Assert.Contains("\"lr_scheduler_type\": \"cosine_with_restarts\"", json);
        Assert.Contains("\"per_device_train_batch_size\": 8", json);
        var back = TrainingArguments.FromJson(json);
        Assert.Equal(a.LearningRate, back.LearningRate);
        Assert.Equal(a.LrSchedulerType, back.LrSchedulerType);
        Assert.Equal(a.SaveTotalLimit, back.SaveTotalLimit);
    }
}
