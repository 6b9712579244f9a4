using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tests.Training;
using DistilBert.Sharp.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Performance;

/// <summary>
/// bf16 mixed precision. Tolerance: bf16 rounds to 8 mantissa bits (relative 2^-9 ≈ 2e-3 per rounding), and a few
/// layers of GEMMs accumulate that to ~1e-2 absolute on unit-scale activations; we allow 5e-2 on a 4-layer model and
/// require the difference to be non-zero, which proves the bf16 path actually ran.
/// </summary>
[Collection(TorchRngCollection.Name)]
public class MixedPrecisionTests
{
    private const double Bf16Tolerance = 5e-2;

    private static DistilBertConfig Config() => new()
    {
        Dim = 64, NLayers = 4, NHeads = 4, HiddenDim = 128, VocabSize = 100, MaxPositionEmbeddings = 32,
        Id2Label = PretrainedConfig.DefaultLabels(3),
    };

    private static ModelInputs Inputs(bool fullyPaddedRow = false)
    {
        var ids = randint(1, 100, [3, 12], dtype: ScalarType.Int64, generator: new Generator(3));
        var mask = ones(3, 12, dtype: ScalarType.Int64);
        mask[1, TensorIndex.Slice(7)] = tensor(0L); // row 1 is padded after 7 tokens
        if (fullyPaddedRow) mask[2] = tensor(0L);
        return new ModelInputs(ids, mask);
    }

    private static DistilBertForSequenceClassification NewModel(int seed)
    {
        manual_seed(seed);
        var model = new DistilBertForSequenceClassification(Config());
        model.eval();
        return model;
    }

    [Fact]
    public void Autocast_forward_is_close_to_fp32_keeps_fp32_outputs_and_differs_only_by_bf16_rounding()
    {
        using var scope = NewDisposeScope();
        using var model = NewModel(1);
        using var noGrad = no_grad();
        var inputs = Inputs();
        var fp32 = model.forward(inputs with { OutputHiddenStates = true });
        ModelOutput bf16;
        using (MixedPrecision.Bf16Autocast())
            bf16 = model.forward(inputs with { OutputHiddenStates = true });
        Assert.False(MixedPrecision.IsBf16AutocastEnabled);

        Assert.Equal(ScalarType.Float32, bf16.Logits!.dtype);
        Assert.All(bf16.HiddenStates!, h => Assert.Equal(ScalarType.Float32, h.dtype));
        double logitDiff = (bf16.Logits - fp32.Logits!).abs().max().item<float>();
        double hiddenDiff = (bf16.HiddenStates![^1] - fp32.HiddenStates![^1]).abs().max().item<float>();
        Assert.InRange(logitDiff, 1e-7, Bf16Tolerance);
        Assert.InRange(hiddenDiff, 1e-7, Bf16Tolerance * 4); // LayerNorm outputs are unit scale; the max over 2304 values
        Assert.True(bf16.Logits.argmax(-1).equal(fp32.Logits!.argmax(-1)).all().item<bool>());

        // A disabled scope changes nothing, bit for bit.
        using (MixedPrecision.Bf16Autocast(enabled: false))
            Assert.True(model.forward(inputs).Logits!.equal(fp32.Logits).all().item<bool>());
    }

    [Fact]
    public void Eager_attention_path_under_autocast_returns_fp32_probabilities_that_sum_to_one()
    {
        using var scope = NewDisposeScope();
        using var model = NewModel(2);
        using var noGrad = no_grad();
        var inputs = Inputs() with { OutputAttentions = true };
        var fp32 = model.forward(inputs);
        ModelOutput bf16;
        using (MixedPrecision.Bf16Autocast())
            bf16 = model.forward(inputs);
        foreach (var a in bf16.Attentions!)
        {
            Assert.Equal(ScalarType.Float32, a.dtype);
            Assert.True(a.sum(-1).allclose(ones_like(a.sum(-1)), atol: 1e-5));
        }
        Assert.InRange((bf16.Logits! - fp32.Logits!).abs().max().item<float>(), 0, Bf16Tolerance);
    }

    [Fact]
    public void A_fully_padded_row_stays_finite_in_bf16_attention()
    {
        // fp32's finfo.min rounds to -inf in bf16; an all -inf row would make softmax NaN. The bias is clamped instead.
        using var scope = NewDisposeScope();
        using var model = NewModel(3);
        using var noGrad = no_grad();
        using (MixedPrecision.Bf16Autocast())
            Assert.True(model.forward(Inputs(fullyPaddedRow: true)).Logits!.isfinite().all().item<bool>());
        model.ToBf16Inference();
        Assert.True(model.forward(Inputs(fullyPaddedRow: true)).Logits!.isfinite().all().item<bool>());
    }

    [Fact]
    public void Bf16_inference_casts_only_Linear_weights_once_and_matches_autocast()
    {
        using var scope = NewDisposeScope();
        using var reference = NewModel(4);
        using var model = NewModel(4);
        using var noGrad = no_grad();
        var inputs = Inputs();
        ModelOutput autocast;
        using (MixedPrecision.Bf16Autocast())
            autocast = reference.forward(inputs);
        var fp32 = reference.forward(inputs);

        Assert.Same(model, model.ToBf16Inference());
        foreach (var (name, p) in model.named_parameters())
        {
            bool isLinear = name.Contains("lin", StringComparison.Ordinal) || name.Contains("classifier", StringComparison.Ordinal);
            Assert.True((isLinear ? ScalarType.BFloat16 : ScalarType.Float32) == p.dtype, $"{name} is {p.dtype}");
        }
        var output = model.forward(inputs);
        Assert.Equal(ScalarType.Float32, output.Logits!.dtype);
        // Same bf16 operands as autocast (round-to-nearest of the same fp32 weights), so the same result.
        Assert.True(output.Logits.allclose(autocast.Logits!, atol: 1e-6), "pre-cast weights differ from autocast");
        Assert.InRange((output.Logits - fp32.Logits!).abs().max().item<float>(), 1e-7, Bf16Tolerance);
    }

    [Fact]
    public void Bert_reuses_the_same_bf16_path_under_autocast_and_after_ToBf16Inference()
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        using var model = new BertForSequenceClassification(new BertConfig
        {
            HiddenSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 128, VocabSize = 100,
            MaxPositionEmbeddings = 32, TypeVocabSize = 2, Id2Label = PretrainedConfig.DefaultLabels(3),
        });
        model.eval();
        using var noGrad = no_grad();
        var inputs = Inputs();
        var fp32 = model.forward(inputs).Logits!;
        Tensor autocast;
        using (MixedPrecision.Bf16Autocast())
            autocast = model.forward(inputs).Logits!;
        model.ToBf16Inference();
        var converted = model.forward(inputs).Logits!;
        Assert.Equal(ScalarType.Float32, converted.dtype);
        Assert.InRange((autocast - fp32).abs().max().item<float>(), 1e-7, Bf16Tolerance);
        Assert.True(converted.allclose(autocast, atol: 1e-6), "pre-cast weights differ from autocast");
    }

    [Fact]
    public void Autocast_backward_gives_fp32_gradients_on_fp32_master_weights()
    {
        using var scope = NewDisposeScope();
        using var model = NewModel(5);
        model.train();
        var inputs = Inputs() with { Labels = tensor(new long[] { 0, 1, 2 }) };
        ModelOutput output;
        using (MixedPrecision.Bf16Autocast())
            output = model.forward(inputs);
        Assert.Equal(ScalarType.Float32, output.Loss!.dtype);
        output.Loss.backward();
        foreach (var (name, p) in model.named_parameters())
        {
            Assert.Equal(ScalarType.Float32, p.dtype);
            Assert.True(p.grad is not null, $"{name} got no gradient");
            Assert.Equal(ScalarType.Float32, p.grad!.dtype);
        }
    }

    [Fact]
    public void Trainer_with_Bf16_learns_keeps_fp32_weights_and_is_deterministic()
    {
        var (losses1, params1) = TrainBf16();
        var (losses2, params2) = TrainBf16();
        Assert.True(losses1.TakeLast(3).Average() < losses1.Take(3).Average() * 0.8,
            $"bf16 loss did not fall: {string.Join(", ", losses1.Select(l => l.ToString("F3")))}");
        Assert.Equal(losses1, losses2);
        foreach (var (name, p) in params1)
        {
            Assert.Equal(ScalarType.Float32, p.dtype);
            Assert.True(p.equal(params2[name]).all().item<bool>(), $"{name} differs between two identical bf16 runs");
        }
    }

    private static (List<double> Losses, Dictionary<string, Tensor> Params) TrainBf16()
    {
        using var dir = new TempDirectory();
        var train = SyntheticData.Create(96, seed: 21);
        manual_seed(9);
        using var model = new DistilBertForSequenceClassification(new DistilBertConfig
        {
            VocabSize = 24, Dim = 32, NLayers = 1, NHeads = 2, HiddenDim = 64, MaxPositionEmbeddings = 16,
        });
        var args = new TrainingArguments
        {
            OutputDir = dir.Path, NumTrainEpochs = 4, PerDeviceTrainBatchSize = 16, LearningRate = 2e-2, WarmupSteps = 2,
            LoggingSteps = 2, SaveStrategy = SaveStrategy.No, Bf16 = true,
        };
        using var trainer = new Trainer(model, args, train);
        trainer.Train();
        var losses = trainer.State.LogHistory.Where(l => l.ContainsKey("loss")).Select(l => l["loss"]).ToList();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone().DetachFromDisposeScope());
        return (losses, parameters);
    }
}
