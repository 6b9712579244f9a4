using TorchSharp;
using DistilBert.Sharp.Modeling;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Modeling;

/// <summary>Padding semantics of the fused attention path, checked against the eager (HF-transcribed) path and invariants.</summary>
public class AttentionTests
{
    [Fact]
    public void Padded_row_gives_the_same_outputs_as_the_unpadded_row()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var model = new DistilBertModel(TinyModels.Config());
        model.eval();
        var ids = TinyModels.Ids(1, 6);
        var padded = cat([ids, zeros(1, 4, dtype: ScalarType.Int64)], 1);
        var mask = cat([ones(1, 6, dtype: ScalarType.Int64), zeros(1, 4, dtype: ScalarType.Int64)], 1);
        using var noGrad = no_grad();
        var alone = model.call(new ModelInputs(ids) { OutputHiddenStates = true });
        var withPad = model.call(new ModelInputs(padded, mask) { OutputHiddenStates = true });
        var real = TensorIndex.Slice(0, 6);
        TensorAssert.Close(alone.LastHiddenState!, withPad.LastHiddenState![TensorIndex.Colon, real], 1e-6, what: "last_hidden_state");
        for (int i = 0; i < alone.HiddenStates!.Count; i++)
            TensorAssert.Close(alone.HiddenStates[i], withPad.HiddenStates![i][TensorIndex.Colon, real], 1e-6, what: $"hidden_states.{i}");
    }

    [Fact]
    public void Fused_and_eager_paths_agree_including_a_fully_padded_row()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var model = new DistilBertForSequenceClassification(TinyModels.Config(3));
        model.eval();
        var ids = TinyModels.Ids(3, 8);
        // Row 0 full, row 1 half padded, row 2 entirely masked (HF then attends uniformly; it must not produce NaN).
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, [3, 8]);
        using var noGrad = no_grad();
        var fused = model.call(new ModelInputs(ids, mask));
        var eager = model.call(new ModelInputs(ids, mask) { OutputAttentions = true });
        TensorAssert.Close(eager.Logits!, fused.Logits!, 1e-6, what: "logits");
        Assert.Equal(2, eager.Attentions!.Count);
        foreach (var weights in eager.Attentions)
        {
            Assert.Equal(new long[] { 3, 2, 8, 8 }, weights.shape);
            TensorAssert.Close(ones(3, 2, 8), weights.sum(-1), 1e-6, what: "attention rows sum to 1");
            // Padded keys of row 1 get exactly zero weight; the fully masked row attends uniformly (1/8), as in HF.
            Assert.Equal(0.0, weights[1, TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(4, 8)].abs().max().item<float>());
            TensorAssert.Close(full(2, 8, 8, 1.0 / 8), weights[2], 1e-6, what: "uniform attention of a fully masked row");
        }
    }
}

/// <summary>The model follows its parameters' dtype: masks and positions are built in the hidden states' dtype.</summary>
public class DTypeTests
{
    [Fact]
    public void Bfloat16_model_runs_and_stays_close_to_float32()
    {
        using var scope = NewDisposeScope();
        manual_seed(41);
        using var model = new DistilBertForSequenceClassification(TinyModels.Config(3));
        model.eval();
        var ids = TinyModels.Ids(2, 6);
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0 }, [2, 6]);
        using var noGrad = no_grad();
        var reference = model.call(new ModelInputs(ids, mask)).Logits!;
        model.to(ScalarType.BFloat16);
        var low = model.call(new ModelInputs(ids, mask)).Logits!;
        Assert.Equal(ScalarType.BFloat16, low.dtype);
        TensorAssert.Close(reference, low, 2e-2, 5e-2, what: "bfloat16 logits");
    }
}
