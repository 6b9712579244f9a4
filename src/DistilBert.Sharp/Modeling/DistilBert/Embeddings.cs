using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// Word + position embeddings, then LayerNorm and dropout (HF's <c>Embeddings</c>). Field names are the HF state-dict
/// keys, because TorchSharp's <c>RegisterComponents</c> names parameters after fields.
/// </summary>
internal sealed class Embeddings : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // HF key names
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    private readonly DistilBertConfig _config;

    public Embeddings(DistilBertConfig config) : base("embeddings")
    {
        _config = config;
        // padding_idx makes the pad row's gradient zero, exactly as HF's nn.Embedding(..., padding_idx=pad_token_id).
        word_embeddings = nn.Embedding(config.VocabSize, config.Dim, padding_idx: config.PadTokenId);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.Dim);
        LayerNorm = nn.LayerNorm(config.Dim, eps: 1e-12);
        dropout = nn.Dropout(config.Dropout);
        RegisterComponents();
        // HF freezes sinusoidal position tables (requires_grad = False); a checkpoint load only replaces values.
        if (config.SinusoidalPosEmbds) position_embeddings.weight!.requires_grad = false;
    }

    /// <summary>The word embedding matrix [vocab, dim]; the masked-LM projector shares it.</summary>
    public Parameter WordEmbeddingWeight => word_embeddings.weight!;

    public override Tensor forward(Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        long seqLength = inputIds.shape[1];
        var positionIds = arange(seqLength, dtype: ScalarType.Int64, device: inputIds.device);
        var embeddings = word_embeddings.call(inputIds) + position_embeddings.call(positionIds);
        embeddings = dropout.call(LayerNorm.call(embeddings));
        return embeddings.MoveToOuterDisposeScope();
    }

    /// <summary>HF's <c>_init_weights</c> extras for embeddings: zero padding row and, if configured, the sinusoidal table.</summary>
    public void InitializeSpecialRows()
    {
        using var noGrad = no_grad();
        word_embeddings.weight![_config.PadTokenId].zero_();
        if (_config.SinusoidalPosEmbds)
        {
            using var table = SinusoidalTable(_config.MaxPositionEmbeddings, _config.Dim);
            position_embeddings.weight!.copy_(table);
        }
    }

    /// <summary>
    /// HF's <c>create_sinusoidal_embeddings</c>: angle(pos, j) = pos / 10000^(2·⌊j/2⌋/dim), sine on even columns and cosine on
    /// odd ones, computed in float64 (HF uses numpy) and then rounded to float32.
    /// </summary>
    public static Tensor SinusoidalTable(int positions, int dim)
    {
        var values = new float[positions * dim];
        for (int pos = 0; pos < positions; pos++)
        {
            for (int j = 0; j < dim; j++)
            {
                double angle = pos / Math.Pow(10000, 2.0 * (j / 2) / dim);
                values[pos * dim + j] = (float)(j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle));
            }
        }
        return tensor(values, [positions, dim]);
    }
}
