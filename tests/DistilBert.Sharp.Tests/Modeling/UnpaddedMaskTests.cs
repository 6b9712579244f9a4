using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Modeling;

/// <summary>
/// The small-batch fast path drops an all-ones attention mask (HF's SDPA rule). Its outputs must equal the previous
/// path's (zero additive bias) and the no-mask call's, in both the fused and the eager attention, and a mask with any
/// padding must still be applied.
/// </summary>
[Collection(TorchRngCollection.Name)]
public class UnpaddedMaskTests
{
    [Fact]
    public void All_ones_mask_gives_the_previous_paths_outputs_and_padding_is_still_masked()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var model = new DistilBertForSequenceClassification(TinyModels.Config(3));
        model.eval();
        var ids = TinyModels.Ids(2, 9);
        var allOnes = ones(2, 9, dtype: ScalarType.Int64);
        using var noGrad = no_grad();
        foreach (bool eager in new[] { false, true })
        {
            var fast = model.call(new ModelInputs(ids, allOnes) { OutputAttentions = eager, OutputHiddenStates = true });
            var noMask = model.call(new ModelInputs(ids) { OutputAttentions = eager, OutputHiddenStates = true });
            ModelOutput legacy;
            InferenceFastPath.Enabled = false;
            try
            {
                legacy = model.call(new ModelInputs(ids, allOnes) { OutputAttentions = eager, OutputHiddenStates = true });
            }
            finally
            {
                InferenceFastPath.Enabled = true;
            }
            TensorAssert.Close(legacy.Logits!, fast.Logits!, 1e-6, what: $"logits (eager={eager})");
            TensorAssert.Close(legacy.HiddenStates![^1], fast.HiddenStates![^1], 1e-6, what: $"last_hidden_state (eager={eager})");
            Assert.True(noMask.Logits!.equal(fast.Logits!).all().item<bool>(), "an all-ones mask must take exactly the no-mask path");
        }

        // One padded position anywhere in the batch keeps the mask: the padded token's id must not matter.
        var padded = ones(2, 9, dtype: ScalarType.Int64);
        padded[1, 8] = tensor(0L);
        var otherIds = ids.clone();
        otherIds[1, 8] = tensor(3L);
        var a = model.call(new ModelInputs(ids, padded)).Logits!;
        var b = model.call(new ModelInputs(otherIds, padded)).Logits!;
        TensorAssert.Close(a, b, 1e-6, what: "logits with a masked token changed");
        Assert.False(model.call(new ModelInputs(otherIds)).Logits!.allclose(b, rtol: 0, atol: 1e-6), "without the mask the changed token must matter");
    }
}
