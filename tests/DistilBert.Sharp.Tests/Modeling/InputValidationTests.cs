using TorchSharp;
using DistilBert.Sharp.Modeling;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Modeling;

/// <summary>Bad batches are rejected with an ArgumentException naming the value, before any kernel runs.</summary>
public class InputValidationTests
{
    private static ArgumentException Reject(ModelInputs inputs, DistilBertPreTrainedModel? model = null)
    {
        using var m = model ?? new DistilBertModel(TinyModels.Config());
        return Assert.ThrowsAny<ArgumentException>(() => m.call(inputs));
    }

    [Fact]
    public void Rank_other_than_two_is_rejected()
    {
        using var ids = TinyModels.Ids(1, 5).reshape(5);
        Assert.Contains("rank 1", Reject(new ModelInputs(ids)).Message);
    }

    [Fact]
    public void Sequence_longer_than_the_position_table_is_rejected()
    {
        using var ids = TinyModels.Ids(1, 21);
        Assert.Contains("21", Reject(new ModelInputs(ids)).Message);
    }

    [Theory]
    [InlineData(50)]
    [InlineData(-1)]
    public void Token_ids_outside_the_vocabulary_are_rejected(long bad)
    {
        using var ids = TinyModels.Ids(2, 5);
        ids[1, 3] = bad;
        Assert.Contains(bad.ToString(System.Globalization.CultureInfo.InvariantCulture), Reject(new ModelInputs(ids)).Message);
    }

    [Fact]
    public void Mask_shape_mismatch_is_rejected()
    {
        using var ids = TinyModels.Ids(2, 5);
        using var mask = ones(2, 4, dtype: ScalarType.Int64);
        Assert.Contains("[2, 4]", Reject(new ModelInputs(ids, mask)).Message);
    }

    [Fact]
    public void Float_token_ids_are_rejected()
    {
        using var ids = ones(2, 5);
        Assert.Contains("Float32", Reject(new ModelInputs(ids)).Message);
    }

    [Fact]
    public void Class_label_out_of_range_is_rejected()
    {
        using var ids = TinyModels.Ids(2, 5);
        using var labels = tensor(new long[] { 0, 3 });
        var e = Reject(new ModelInputs(ids, Labels: labels), new DistilBertForSequenceClassification(TinyModels.Config(3)));
        Assert.Contains("3", e.Message);
    }

    [Fact]
    public void Masked_lm_label_shape_mismatch_is_rejected()
    {
        using var ids = TinyModels.Ids(2, 5);
        using var labels = full(2, 4, -100L, dtype: ScalarType.Int64);
        var e = Reject(new ModelInputs(ids, Labels: labels), new DistilBertForMaskedLM(TinyModels.Config()));
        Assert.Contains("[2, 4]", e.Message);
    }
}

/// <summary>A batch on another device than the model is rejected up front with both devices named.</summary>
public class DeviceValidationTests
{
    [Fact]
    public void Batch_on_another_device_is_rejected()
    {
        using var model = new DistilBertModel(TinyModels.Config());
        using var ids = zeros(2, 5, dtype: ScalarType.Int64, device: new Device(DeviceType.META));
        var e = Assert.ThrowsAny<ArgumentException>(() => model.call(new ModelInputs(ids)));
        Assert.Contains("meta", e.Message, StringComparison.OrdinalIgnoreCase);
    }
}
