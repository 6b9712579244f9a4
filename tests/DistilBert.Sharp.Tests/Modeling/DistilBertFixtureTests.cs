using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Weights;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Modeling;

/// <summary>
/// Parity with HF transformers on the golden fixtures (../shared/fixtures): outputs, every hidden state, the no-mask
/// path, the loss and every parameter gradient, all in eval mode.
/// </summary>
public class DistilBertFixtureTests
{
    private const double OutputTolerance = 1e-5;

    public static TheoryData<string> Folders => new()
    {
        "distilbert-tiny-seqcls", "distilbert-tiny-regression-sinusoidal-relu", "distilbert-tiny-multilabel",
        "distilbert-tiny-mlm", "distilbert-tiny-base",
    };

    public static TheoryData<string> HeadFolders => new()
    {
        "distilbert-tiny-seqcls", "distilbert-tiny-regression-sinusoidal-relu", "distilbert-tiny-multilabel", "distilbert-tiny-mlm",
    };

    internal static DistilBertPreTrainedModel Load(string folder, string path) => folder switch
    {
        "distilbert-tiny-mlm" => DistilBertForMaskedLM.FromPretrained(path),
        "distilbert-tiny-base" => DistilBertModel.FromPretrained(path),
        _ => DistilBertForSequenceClassification.FromPretrained(path),
    };

    [SkippableTheory]
    [MemberData(nameof(Folders))]
    public void Outputs_and_hidden_states_match_HF(string folder)
    {
        string path = SharedData.RequireFixture(folder);
        using var scope = NewDisposeScope();
        using var golden = SafetensorsFile.Open(Path.Combine(path, "golden.safetensors"));
        using var model = Load(folder, path);
        LoadReports.AssertExact(model.LastLoadReport);
        using var noGrad = no_grad();
        var output = model.call(new ModelInputs(golden.ReadTensor("input_ids"), golden.ReadTensor("attention_mask")) { OutputHiddenStates = true });
        string outputKey = folder == "distilbert-tiny-base" ? "last_hidden_state" : "logits";
        TensorAssert.Close(golden.ReadTensor(outputKey), (output.Logits ?? output.LastHiddenState)!, OutputTolerance, what: outputKey);
        FixtureChecks.HiddenStates(golden, output, model.DistilBertConfig.NLayers, OutputTolerance);

        var noMask = model.call(new ModelInputs(golden.ReadTensor("input_ids")));
        TensorAssert.Close(golden.ReadTensor($"no_mask.{outputKey}"), (noMask.Logits ?? noMask.LastHiddenState)!, OutputTolerance, what: $"no_mask.{outputKey}");
    }

    [SkippableTheory]
    [MemberData(nameof(HeadFolders))]
    public void Loss_and_every_gradient_match_HF(string folder)
    {
        string path = SharedData.RequireFixture(folder);
        using var scope = NewDisposeScope();
        using var golden = SafetensorsFile.Open(Path.Combine(path, "golden.safetensors"));
        using var model = Load(folder, path);
        model.eval();
        var output = model.call(new ModelInputs(golden.ReadTensor("input_ids"), golden.ReadTensor("attention_mask"), Labels: golden.ReadTensor("labels")));
        FixtureChecks.LossAndEveryGradient(golden, model, output);
    }

    [SkippableTheory]
    [MemberData(nameof(Folders))]
    public void State_dict_keys_are_exactly_HF_keys(string folder)
    {
        string path = SharedData.RequireFixture(folder);
        using var file = SafetensorsFile.Open(Path.Combine(path, "model.safetensors"));
        using var model = Load(folder, path);
        // HF's file also stores the tied projector matrix; our state dict lists that tensor once, under the embeddings.
        var expected = file.Tensors.Keys.Where(k => k != "vocab_projector.weight").Order(StringComparer.Ordinal);
        Assert.Equal(expected, model.state_dict().Keys.Order(StringComparer.Ordinal));
    }
}
