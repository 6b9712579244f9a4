using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// The masked-LM output projection whose weight IS the word embedding matrix (HF ties <c>vocab_projector.weight</c> to
/// <c>word_embeddings.weight</c>). Only the bias is a parameter of its own, so <c>named_parameters()</c> lists the shared
/// matrix once — under the embedding's name, as PyTorch does — and an optimizer never updates it twice.
/// </summary>
internal sealed class TiedVocabProjector : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // HF key names
    private readonly Parameter bias;
#pragma warning restore IDE1006
    // A delegate, not a module field: RegisterComponents would register a module-typed field as a child and list
    // the shared embeddings a second time (state_dict keys "vocab_projector._embeddings.*").
    private readonly Func<Tensor> _weight;

    public TiedVocabProjector(Embeddings embeddings, int vocabSize) : base("vocab_projector")
    {
        // Read the weight through the embeddings module on every call: Module.to(device) replaces parameter objects.
        _weight = () => embeddings.WordEmbeddingWeight;
        bias = new Parameter(zeros(vocabSize));
        RegisterComponents();
    }

    public void ZeroBias()
    {
        using var noGrad = no_grad();
        bias.zero_();
    }

    public override Tensor forward(Tensor x) => nn.functional.linear(x, _weight(), bias);
}
