using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Benchmarks;

/// <summary>Precision of a throughput measurement.</summary>
public enum Precision
{
    /// <summary>Plain fp32.</summary>
    Fp32,

    /// <summary>bf16 mixed precision: <see cref="MixedPrecision.ToBf16Inference"/> for inference, autocast for training.</summary>
    Bf16,
}

/// <summary>
/// The distilbert-base configuration built in code (so benchmarks run without ../shared), random inputs, and one
/// training step (forward + backward + clip-free AdamW) exactly as the Trainer does it.
/// </summary>
internal static class PerfModels
{
    /// <summary>distilbert-base-uncased: dim 768, 6 layers, 12 heads, FFN 3072, vocab 30522 (the DistilBertConfig defaults).</summary>
    public static DistilBertConfig Base() => new();

    /// <summary>A CI-sized model: the same shape family, 2 layers of dim 128.</summary>
    public static DistilBertConfig Tiny() => new() { Dim = 128, NLayers = 2, NHeads = 4, HiddenDim = 512, VocabSize = 1000 };

    public static DistilBertForSequenceClassification NewModel(DistilBertConfig config, bool train)
    {
        manual_seed(0);
        var model = new DistilBertForSequenceClassification(config);
        if (train) model.train(); else model.eval();
        return model;
    }

    /// <summary>Random ids, full attention mask, random binary labels; all [batch, seq] tensors outside any scope.</summary>
    public static ModelInputs Inputs(DistilBertConfig config, int batch, int seq)
    {
        var g = new Generator(1);
        var ids = randint(1, config.VocabSize, [batch, seq], dtype: ScalarType.Int64, generator: g).DetachFromDisposeScope();
        var mask = ones(batch, seq, dtype: ScalarType.Int64).DetachFromDisposeScope();
        var labels = randint(0, 2, [batch], dtype: ScalarType.Int64, generator: g).DetachFromDisposeScope();
        return new ModelInputs(ids, mask) { Labels = labels };
    }

    /// <summary>Inference forward (no_grad); returns one logit so the work cannot be skipped.</summary>
    public static float Forward(DistilBertForSequenceClassification model, ModelInputs inputs, bool outputAttentions = false)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = model.call(inputs with { Labels = null, OutputAttentions = outputAttentions }).Logits!;
        return logits[0, 0].item<float>();
    }

    /// <summary>One optimizer step: forward (under autocast when bf16), backward, AdamW, zero_grad.</summary>
    public static float TrainStep(DistilBertForSequenceClassification model, AdamW optimizer, ModelInputs inputs, bool bf16)
    {
        using var scope = NewDisposeScope();
        ModelOutput output;
        using (MixedPrecision.Bf16Autocast(bf16))
            output = model.call(inputs);
        output.Loss!.backward();
        optimizer.Step();
        optimizer.ZeroGrad();
        return output.Loss.item<float>();
    }

    public static AdamW NewOptimizer(DistilBertForSequenceClassification model) =>
        new(ParameterGroups.Create(model, weightDecay: 0.01, learningRate: 5e-5));
}

/// <summary>
/// The forward's Linear GEMMs alone (per layer: q, k, v, out, lin1, lin2, with bias), fp32, on operands allocated once:
/// the bound the forward is compared with.
/// </summary>
internal sealed class GemmPass : IDisposable
{
    private readonly DistilBertConfig _c;
    private readonly Tensor _x, _h, _wDim, _w1, _w2, _bDim, _bHidden;

    public GemmPass(DistilBertConfig c, long tokens)
    {
        _c = c;
        _x = randn(tokens, c.Dim).DetachFromDisposeScope();
        _h = randn(tokens, c.HiddenDim).DetachFromDisposeScope();
        _wDim = randn(c.Dim, c.Dim).DetachFromDisposeScope();
        _w1 = randn(c.HiddenDim, c.Dim).DetachFromDisposeScope();
        _w2 = randn(c.Dim, c.HiddenDim).DetachFromDisposeScope();
        _bDim = zeros(c.Dim).DetachFromDisposeScope();
        _bHidden = zeros(c.HiddenDim).DetachFromDisposeScope();
    }

    /// <summary>One pass over every layer's GEMMs.</summary>
    public float Run()
    {
        using var noGrad = no_grad();
        for (int layer = 0; layer < _c.NLayers; layer++)
        {
            for (int i = 0; i < 4; i++) nn.functional.linear(_x, _wDim, _bDim).Dispose();
            nn.functional.linear(_x, _w1, _bHidden).Dispose();
            nn.functional.linear(_h, _w2, _bDim).Dispose();
        }
        return 0f;
    }

    public void Dispose()
    {
        foreach (var t in new[] { _x, _h, _wDim, _w1, _w2, _bDim, _bHidden }) t.Dispose();
    }
}
