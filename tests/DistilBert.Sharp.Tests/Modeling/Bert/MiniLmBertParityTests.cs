using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Weights;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Modeling.Bert;

/// <summary>
/// The original all-MiniLM-L6-v2 BERT checkpoint (F16, two shards + index, legacy position_ids buffer) against the HF
/// golden output of the same weights in DistilBERT layout. The tolerance covers the F16 rounding of the weights.
/// </summary>
public class MiniLmBertParityTests
{
    [SkippableFact]
    public void Sharded_F16_BERT_checkpoint_matches_the_DistilBERT_layout_golden_output()
    {
        string fixture = SharedData.RequireFixture("minilm-l6-h384-distilbert");
        string modelDir = SharedData.RequireModel("all-minilm-l6-v2-bert");
        using var scope = NewDisposeScope();
        using var golden = SafetensorsFile.Open(Path.Combine(fixture, "golden.safetensors"));
        using var model = BertModel.FromPretrained(modelDir);
        LoadReports.AssertExact(model.LastLoadReport);
        Assert.Contains("embeddings.position_ids", model.LastLoadReport!.IgnoredKeys);
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        var mask = golden.ReadTensor("attention_mask");
        using var noGrad = no_grad();
        // Single-segment input: TokenTypeIds left null, i.e. segment 0, which the DistilBERT layout folded into its positions.
        var output = model.call(new ModelInputs(golden.ReadTensor("input_ids"), mask)).LastHiddenState!;
        var keep = mask.to_type(ScalarType.Bool);
        var expected = golden.ReadTensor("last_hidden_state")[keep];
        // Observed max |diff| is 4.9e-3 (F16 weights); the per-token direction must agree far more tightly.
        TensorAssert.Close(expected, output[keep], 5e-3, what: "last_hidden_state (non-pad)");
        double worstCosine = nn.functional.cosine_similarity(expected, output[keep], dim: -1).min().item<float>();
        Assert.True(worstCosine >= 0.99999, $"per-token cosine {worstCosine:F7} < 0.99999");
    }

    [SkippableFact]
    public void AutoModel_picks_BERT_for_the_BERT_folder_and_DistilBERT_for_the_DistilBERT_folder()
    {
        string bertDir = SharedData.RequireModel("all-minilm-l6-v2-bert");
        string distilDir = SharedData.RequireModel("minilm-l6-h384-distilbert");
        using var bert = AutoModel.FromPretrained(bertDir);
        using var distil = AutoModel.FromPretrained(distilDir);
        Assert.IsType<BertModel>(bert);
        Assert.IsType<DistilBertModel>(distil);
        using var head = AutoModelForSequenceClassification.FromPretrained(bertDir, new PretrainedOptions { NumLabels = 3 });
        var classifier = Assert.IsType<BertForSequenceClassification>(head);
        Assert.Equal(3, classifier.Config.NumLabels);
        Assert.Equal(["classifier.bias", "classifier.weight"], head.LastLoadReport!.MissingKeys.Order(StringComparer.Ordinal));
    }
}
