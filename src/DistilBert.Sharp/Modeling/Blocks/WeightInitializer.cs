using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// The part of HF's <c>_init_weights</c> that DistilBERT and BERT share: Linear and Embedding weights ~ N(0, std), biases
/// zero, LayerNorm weight 1 / bias 0. TorchSharp's own defaults (Kaiming uniform, N(0,1) embeddings) differ, so every
/// model runs this once after construction. Draws from the global generator, so <c>torch.manual_seed</c> makes it
/// reproducible. Model-specific rows (padding row, sinusoidal table) are set by the caller afterwards.
/// </summary>
internal static class WeightInitializer
{
    public static void InitializeModules(nn.Module model, double std)
    {
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
    }
}
