using DistilBert.Sharp.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Modeling;

/// <summary>Forward and backward must not leak native tensors: the live count stays flat over many steps.</summary>
public class MemoryTests
{
    [Theory]
    [InlineData("distilbert")]
    [InlineData("bert")]
    public void Thousand_forward_backward_passes_keep_live_tensor_count_flat(string family)
    {
        manual_seed(3);
        using PreTrainedModel model = family == "bert"
            ? new BertForSequenceClassification(new BertConfig
            {
                HiddenSize = 8, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 8, VocabSize = 20, MaxPositionEmbeddings = 8,
            })
            : new DistilBertForSequenceClassification(new DistilBertConfig
            {
                Dim = 8, NLayers = 1, NHeads = 2, HiddenDim = 8, VocabSize = 20, MaxPositionEmbeddings = 8,
            });
        model.train();
        using var ids = TinyModels.Ids(2, 6, vocab: 20);
        using var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 }, [2, 6]);
        using var types = tensor(new long[] { 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1 }, [2, 6]);
        using var labels = tensor(new long[] { 0, 1 });
        var inputs = new ModelInputs(ids, mask, types, labels) { OutputHiddenStates = true };

        void Step()
        {
            using var scope = NewDisposeScope();
            model.zero_grad();
            model.call(inputs).Loss!.backward();
        }

        for (int i = 0; i < 10; i++) Step(); // gradients are allocated on the first backward
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 1000; i++) Step();
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.Equal(before, after);
    }
}
