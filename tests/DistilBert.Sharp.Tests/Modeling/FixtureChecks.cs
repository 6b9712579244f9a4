using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Weights;
using TorchSharp;

namespace DistilBert.Sharp.Tests.Modeling;

/// <summary>The golden-fixture comparisons every model family's parity tests share.</summary>
internal static class FixtureChecks
{
    /// <summary>The embeddings output and every layer's output equal golden <c>hidden_states.N</c>.</summary>
    public static void HiddenStates(SafetensorsFile golden, ModelOutput output, int layers, double tolerance)
    {
        Assert.Equal(layers + 1, output.HiddenStates!.Count);
        for (int i = 0; i <= layers; i++)
            TensorAssert.Close(golden.ReadTensor($"hidden_states.{i}"), output.HiddenStates[i], tolerance, what: $"hidden_states.{i}");
    }

    /// <summary>The loss equals golden <c>loss</c> (1e-6) and, after backward, every trainable parameter's gradient its <c>grad.*</c> (1e-5 abs, 1e-4 rel).</summary>
    public static void LossAndEveryGradient(SafetensorsFile golden, torch.nn.Module model, ModelOutput output)
    {
        TensorAssert.Close(golden.ReadTensor("loss").reshape(-1), output.Loss!.reshape(-1), 1e-6, what: "loss");
        output.Loss!.backward();
        var gradNames = golden.Tensors.Keys.Where(k => k.StartsWith("grad.", StringComparison.Ordinal)).Select(k => k["grad.".Length..]).ToHashSet();
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(gradNames.Order(), trainable.Keys.Order());
        foreach (var (name, parameter) in trainable)
            TensorAssert.Close(golden.ReadTensor("grad." + name), parameter.grad!, 1e-5, 1e-4, what: "grad." + name);
    }
}
