using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Weights;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Modeling;

/// <summary>Real pretrained weights (all-MiniLM-L6-v2 in DistilBERT layout) against the HF golden encoder output.</summary>
public class MiniLmParityTests
{
    [SkippableFact]
    public void Last_hidden_state_matches_HF_on_non_pad_positions()
    {
        string fixture = SharedData.RequireFixture("minilm-l6-h384-distilbert");
        string modelDir = SharedData.RequireModel("minilm-l6-h384-distilbert");
        using var scope = NewDisposeScope();
        using var golden = SafetensorsFile.Open(Path.Combine(fixture, "golden.safetensors"));
        using var model = DistilBertModel.FromPretrained(modelDir);
        LoadReports.AssertExact(model.LastLoadReport);
        var mask = golden.ReadTensor("attention_mask");
        using var noGrad = no_grad();
        var output = model.call(new ModelInputs(golden.ReadTensor("input_ids"), mask)).LastHiddenState!;
        var keep = mask.to_type(ScalarType.Bool);
        TensorAssert.Close(golden.ReadTensor("last_hidden_state")[keep], output[keep], 1e-4, what: "last_hidden_state (non-pad)");
    }
}
