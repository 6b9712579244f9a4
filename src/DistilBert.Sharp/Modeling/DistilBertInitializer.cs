using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// HF's <c>DistilBertPreTrainedModel._init_weights</c>, in one place: Linear and Embedding weights ~ N(0, initializer_range),
/// biases zero, LayerNorm weight 1 / bias 0, the padding row of the word embeddings zero, and the sinusoidal position
/// table when configured. TorchSharp's own defaults (Kaiming uniform, N(0,1) embeddings) differ, so every model runs
/// this once after construction. Draws from the global generator, so <c>torch.manual_seed</c> makes it reproducible.
/// </summary>
internal static class DistilBertInitializer
{
    public static void Initialize(DistilBertPreTrainedModel model)
    {
        double std = model.DistilBertConfig.InitializerRange;
        using var noGrad = no_grad();
        foreach (var (_, module) in model.named_modules())
        {
            switch (module)
            {
                case Linear linear:
                    linear.weight!.normal_(0.0, std);
                    linear.bias?.zero_();
                    break;
                case Embedding embedding:
                    embedding.weight!.normal_(0.0, std);
                    break;
                case LayerNorm norm:
                    norm.weight?.fill_(1.0);
                    norm.bias?.zero_();
                    break;
                case TiedVocabProjector projector:
                    projector.ZeroBias();
                    break;
            }
        }
        foreach (var (_, module) in model.named_modules())
            if (module is Embeddings embeddings) embeddings.InitializeSpecialRows();
    }
}
