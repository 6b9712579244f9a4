using DistilBert.Sharp.Data;
using TorchSharp;

namespace DistilBert.Sharp.Tests.Data;

public class DataCollatorWithPaddingTests
{
    [Fact]
    public void Pads_right_to_the_longest_example_with_mask_one_for_real_tokens()
    {
        var ds = TextClassificationDataset.FromClassLabels([[101, 7, 102], [101, 102], [101, 5, 6, 102]], [0, 1, 2]);
        using var scope = torch.NewDisposeScope();
        var batch = new DataCollatorWithPadding(padTokenId: 0).Collate([ds[0], ds[1], ds[2]]);

        Assert.Equal(torch.int64, batch.InputIds.dtype);
        Assert.Equal(new long[] { 3, 4 }, batch.InputIds.shape);
        Assert.Equal(new long[] { 101, 7, 102, 0, 101, 102, 0, 0, 101, 5, 6, 102 }, batch.InputIds.data<long>().ToArray());
        Assert.Equal(torch.int64, batch.AttentionMask!.dtype);
        Assert.Equal(new long[] { 1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 1 }, batch.AttentionMask.data<long>().ToArray());
        Assert.Equal(torch.int64, batch.Labels!.dtype);
        Assert.Equal(new long[] { 0, 1, 2 }, batch.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Pad_to_multiple_of_rounds_the_length_up_and_uses_the_pad_id()
    {
        var ds = TextClassificationDataset.Unlabeled([[1, 2, 3, 4, 5], [1]]);
        using var scope = torch.NewDisposeScope();
        var batch = new DataCollatorWithPadding(padTokenId: 9, padToMultipleOf: 4).Collate([ds[0], ds[1]]);

        Assert.Equal(new long[] { 2, 8 }, batch.InputIds.shape);
        Assert.Equal(new long[] { 1, 9, 9, 9, 9, 9, 9, 9 }, batch.InputIds[1].data<long>().ToArray());
        Assert.Equal(5L, batch.AttentionMask![0].sum().item<long>());
        Assert.Null(batch.Labels);
        Assert.Equal(16, new DataCollatorWithPadding(0, 8).PaddedLength(9));
        Assert.Equal(8, new DataCollatorWithPadding(0, 8).PaddedLength(8));
    }

    [Fact]
    public void Regression_labels_are_float_vector_and_multi_hot_labels_are_float_matrix()
    {
        using var scope = torch.NewDisposeScope();
        var reg = TextClassificationDataset.FromRegressionTargets([[1, 2], [3]], [0.5f, -1.25f]);
        var regBatch = new DataCollatorWithPadding().Collate([reg[0], reg[1]]);
        Assert.Equal(torch.float32, regBatch.Labels!.dtype);
        Assert.Equal(new long[] { 2 }, regBatch.Labels.shape);
        Assert.Equal(new[] { 0.5f, -1.25f }, regBatch.Labels.data<float>().ToArray());

        var multi = TextClassificationDataset.FromMultiHotLabels([[1], [2, 3]], [[1f, 0f, 1f], [0f, 1f, 0f]]);
        var multiBatch = new DataCollatorWithPadding().Collate([multi[0], multi[1]]);
        Assert.Equal(new long[] { 2, 3 }, multiBatch.Labels!.shape);
        Assert.Equal(new[] { 1f, 0f, 1f, 0f, 1f, 0f }, multiBatch.Labels.data<float>().ToArray());
    }

    [Fact]
    public void Bad_inputs_are_rejected_with_clear_messages()
    {
        Assert.Throws<ArgumentException>(() => new DataCollatorWithPadding().Collate([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataCollatorWithPadding(0, 0));
        var ex = Assert.Throws<ArgumentException>(() => TextClassificationDataset.FromClassLabels([[1], [2]], [0]));
        Assert.Contains("2 examples but 1 labels", ex.Message);
        var empty = Assert.Throws<ArgumentException>(() => TextClassificationDataset.FromClassLabels([[1], []], [0, 1]));
        Assert.Contains("Example 1", empty.Message);
        Assert.Throws<ArgumentException>(() => TextClassificationDataset.FromClassLabels([[1]], [-1]));
    }
}
