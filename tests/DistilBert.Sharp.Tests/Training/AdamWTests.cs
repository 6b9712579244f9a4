using DistilBert.Sharp.Training.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using AdamW = DistilBert.Sharp.Training.Optimization.AdamW;
using TorchAdamW = TorchSharp.Modules.AdamW;

namespace DistilBert.Sharp.Tests.Training;

public class AdamWTests
{
    [Fact]
    public void One_step_matches_the_hand_computed_update()
    {
        using var scope = torch.NewDisposeScope();
        var p = new Parameter(torch.tensor(new[] { 1.0f }));
        var group = new ParameterGroup([("w", p)], weightDecay: 0.01, baseLearningRate: 0.1);
        using var opt = new AdamW([group]);
        p.grad = torch.tensor(new[] { 0.5f });
        opt.Step();
        // p = 1·(1 − 0.1·0.01) = 0.999; m = 0.05; v = 0.00025; m̂ = 0.5; √v̂ = 0.5 → p −= 0.1 · 0.5 / (0.5 + 1e-8)
        double expected = 0.999 - 0.1 * 0.5 / (0.5 + 1e-8);
        Assert.Equal(expected, p.item<float>(), 6);
    }

    [Fact]
    public void Matches_TorchSharp_AdamW_over_many_steps_with_two_groups()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var init = torch.randn(5, 4);
        var initBias = torch.randn(4);
        var grads = Enumerable.Range(0, 20).Select(_ => (torch.randn(5, 4), torch.randn(4))).ToList();

        var w1 = new Parameter(init.clone());
        var b1 = new Parameter(initBias.clone());
        using var ours = new AdamW([new ParameterGroup([("w", w1)], 0.05, 1e-2), new ParameterGroup([("b", b1)], 0.0, 1e-2)]);

        var w2 = new Parameter(init.clone());
        var b2 = new Parameter(initBias.clone());
        var reference = torch.optim.AdamW(
            [new TorchAdamW.ParamGroup([w2], new TorchAdamW.Options { LearningRate = 1e-2, weight_decay = 0.05 }),
             new TorchAdamW.ParamGroup([b2], new TorchAdamW.Options { LearningRate = 1e-2, weight_decay = 0.0 })]);

        foreach (var (gw, gb) in grads)
        {
            w1.grad = gw.clone(); b1.grad = gb.clone();
            ours.Step(); ours.ZeroGrad();
            w2.grad = gw.clone(); b2.grad = gb.clone();
            reference.step(); reference.zero_grad();
        }
        Assert.True(torch.allclose(w1, w2, rtol: 0, atol: 1e-6), "weights differ");
        Assert.True(torch.allclose(b1, b2, rtol: 0, atol: 1e-6), "biases differ");
    }

    [Fact]
    public void Decay_groups_exclude_biases_and_LayerNorm_weights()
    {
        using var model = new TinyClassifier(new TinyConfig());
        var decay = ParameterGroups.DecayParameterNames(model);
        Assert.Equal(["classifier.weight", "embeddings.weight"], decay.Order(StringComparer.Ordinal));
        var groups = ParameterGroups.Create(model, 0.01, 1e-3);
        Assert.Equal(0.01, groups[0].WeightDecay);
        Assert.Equal(0.0, groups[1].WeightDecay);
        Assert.Equal(["LayerNorm.bias", "LayerNorm.weight", "classifier.bias"], groups[1].Parameters.Select(p => p.Name).Order(StringComparer.Ordinal));
    }
}
