using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Weights;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Modeling.Bert;

/// <summary>
/// Parity with HF transformers' BERT on the golden fixtures (../shared/fixtures/bert-tiny-*): outputs, every hidden
/// state, the pooler output, the no-mask path, the loss and every parameter gradient, all in eval mode.
/// </summary>
public class BertFixtureTests
{
    private const double OutputTolerance = 1e-5;

    public static TheoryData<string> Folders => new() { "bert-tiny-seqcls", "bert-tiny-base" };

    private static BertPreTrainedModel Load(string folder, string path) => folder == "bert-tiny-base"
        ? BertModel.FromPretrained(path)
        : BertForSequenceClassification.FromPretrained(path);

    [SkippableTheory]
    [MemberData(nameof(Folders))]
    public void Outputs_hidden_states_and_pooler_match_HF(string folder)
    {
        string path = SharedData.RequireFixture(folder);
        using var scope = NewDisposeScope();
        using var golden = SafetensorsFile.Open(Path.Combine(path, "golden.safetensors"));
        using var model = Load(folder, path);
        LoadReports.AssertExact(model.LastLoadReport);
        using var noGrad = no_grad();
        var ids = golden.ReadTensor("input_ids");
        var types = golden.ReadTensor("token_type_ids");
        // The golden inputs really exercise segment 1, or the token-type path would go untested.
        Assert.True(types.max().item<long>() > 0);
        var output = model.call(new ModelInputs(ids, golden.ReadTensor("attention_mask"), types) { OutputHiddenStates = true });
        string outputKey = folder == "bert-tiny-base" ? "last_hidden_state" : "logits";
        TensorAssert.Close(golden.ReadTensor(outputKey), (output.Logits ?? output.LastHiddenState)!, OutputTolerance, what: outputKey);
        if (folder == "bert-tiny-base")
            TensorAssert.Close(golden.ReadTensor("pooler_output"), output.PoolerOutput!, OutputTolerance, what: "pooler_output");
        FixtureChecks.HiddenStates(golden, output, model.BertConfig.NumHiddenLayers, OutputTolerance);

        // HF's no-mask call passes input_ids alone, so token types default to segment 0 as well.
        var noMask = model.call(new ModelInputs(ids));
        TensorAssert.Close(golden.ReadTensor($"no_mask.{outputKey}"), (noMask.Logits ?? noMask.LastHiddenState)!, OutputTolerance, what: $"no_mask.{outputKey}");
    }

    [SkippableFact]
    public void Loss_and_every_gradient_match_HF()
    {
        string path = SharedData.RequireFixture("bert-tiny-seqcls");
        using var scope = NewDisposeScope();
        using var golden = SafetensorsFile.Open(Path.Combine(path, "golden.safetensors"));
        using var model = BertForSequenceClassification.FromPretrained(path);
        var output = model.call(new ModelInputs(golden.ReadTensor("input_ids"), golden.ReadTensor("attention_mask"),
            golden.ReadTensor("token_type_ids"), golden.ReadTensor("labels")));
        FixtureChecks.LossAndEveryGradient(golden, model, output);
    }

    [SkippableTheory]
    [MemberData(nameof(Folders))]
    public void State_dict_keys_are_exactly_HF_keys(string folder)
    {
        string path = SharedData.RequireFixture(folder);
        using var file = SafetensorsFile.Open(Path.Combine(path, "model.safetensors"));
        using var model = Load(folder, path);
        Assert.Equal(file.Tensors.Keys.Order(StringComparer.Ordinal), model.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public void Config_reads_the_fixture_and_keeps_unknown_keys()
    {
        string path = SharedData.RequireFixture("bert-tiny-seqcls");
        var config = BertConfig.FromFile(Path.Combine(path, "config.json"));
        Assert.Equal((32, 2, 4, 64, 99, 40, 2), (config.HiddenSize, config.NumHiddenLayers, config.NumAttentionHeads,
            config.IntermediateSize, config.VocabSize, config.MaxPositionEmbeddings, config.TypeVocabSize));
        Assert.Equal("single_label_classification", config.ProblemType);
        Assert.Null(config.ClassifierDropout);
        Assert.Equal(1e-12, config.LayerNormEps);
        Assert.True(config.ExtraKeys.ContainsKey("chunk_size_feed_forward"));
        var again = BertConfig.FromJson(config.ToJson());
        Assert.Equal(config.ToJson(), again.ToJson());
    }
}
