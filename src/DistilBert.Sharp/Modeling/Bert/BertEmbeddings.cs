using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// HF's <c>BertEmbeddings</c>: word + token-type + absolute position embeddings, then LayerNorm and dropout. Field
/// names are the HF state-dict keys.
/// </summary>
internal sealed class BertEmbeddings : nn.Module<Tensor, Tensor?, Tensor>
{
#pragma warning disable IDE1006 // HF key names
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    private readonly int _padTokenId;

    public BertEmbeddings(BertConfig config) : base("embeddings")
    {
        _padTokenId = config.PadTokenId;
        // padding_idx makes the pad row's gradient zero, exactly as HF's nn.Embedding(..., padding_idx=pad_token_id).
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>The word embedding matrix [vocab, hidden].</summary>
    public Parameter WordEmbeddingWeight => word_embeddings.weight!;

    /// <summary>Embeds <paramref name="inputIds"/>; null <paramref name="tokenTypeIds"/> means segment 0 everywhere, as in HF.</summary>
    public override Tensor forward(Tensor inputIds, Tensor? tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        long seqLength = inputIds.shape[1];
        var positionIds = arange(seqLength, dtype: ScalarType.Int64, device: inputIds.device);
        var types = tokenTypeIds ?? zeros_like(inputIds, dtype: ScalarType.Int64);
        // HF's summation order: (words + token types) + positions; float addition is not associative.
        var embeddings = word_embeddings.call(inputIds) + token_type_embeddings.call(types);
        embeddings = embeddings + position_embeddings.call(positionIds);
        embeddings = dropout.call(LayerNorm.call(embeddings));
        return embeddings.MoveToOuterDisposeScope();
    }

    /// <summary>HF's <c>_init_weights</c> extra for embeddings with a padding index: that row starts at zero.</summary>
    public void ZeroPaddingRow()
    {
        using var noGrad = no_grad();
        word_embeddings.weight![_padTokenId].zero_();
    }
}
