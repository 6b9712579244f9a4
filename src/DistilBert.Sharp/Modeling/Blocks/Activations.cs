using TorchSharp;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>Maps HF activation names to TorchSharp functions (HF's <c>get_activation</c>, for the names DistilBERT uses).</summary>
internal static class Activations
{
    public static Tensor Apply(string name, Tensor x) => name switch
    {
        // HF's "gelu" is the exact erf form, which is TorchSharp's default (no tanh approximation).
        "gelu" => nn.functional.gelu(x),
        "relu" => nn.functional.relu(x),
        "silu" or "swish" => nn.functional.silu(x),
        "tanh" => x.tanh(),
        _ => throw new ArgumentException($"activation '{name}' is not supported; use one of: {string.Join(", ", DistilBertConfig.SupportedActivations)}.", nameof(name)),
    };
}
