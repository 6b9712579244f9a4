using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DistilBert.Sharp.Tests.Weights;

// Hand-built modules whose field names reproduce DistilBERT's HF state-dict keys, so loader tests do not depend on the
// real model classes. Forward passes are irrelevant here and return their input. Field names are HF's, hence the
// lower-case public fields.
#pragma warning disable IDE1006, CA1051

internal sealed record MimicConfig(long Vocab = 11, long Dim = 8, long Hidden = 16, long MaxPositions = 12, int Layers = 2, long Labels = 3);

internal sealed class MimicEmbeddings : Module<Tensor, Tensor>
{
    public Embedding word_embeddings;
    public Embedding position_embeddings;
    public LayerNorm LayerNorm;

    public MimicEmbeddings(MimicConfig c) : base("MimicEmbeddings")
    {
        word_embeddings = Embedding(c.Vocab, c.Dim);
        position_embeddings = Embedding(c.MaxPositions, c.Dim);
        LayerNorm = nn.LayerNorm(c.Dim);
        RegisterComponents();
        // Like current HF code: a non-persistent buffer, absent from the state dict.
        register_buffer("position_ids", arange(c.MaxPositions).unsqueeze(0), persistent: false);
    }

    public override Tensor forward(Tensor x) => x;
}

internal sealed class MimicAttention : Module<Tensor, Tensor>
{
    public Linear q_lin, k_lin, v_lin, out_lin;

    public MimicAttention(MimicConfig c) : base("MimicAttention")
    {
        q_lin = Linear(c.Dim, c.Dim);
        k_lin = Linear(c.Dim, c.Dim);
        v_lin = Linear(c.Dim, c.Dim);
        out_lin = Linear(c.Dim, c.Dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => x;
}

internal sealed class MimicFfn : Module<Tensor, Tensor>
{
    public Linear lin1, lin2;

    public MimicFfn(MimicConfig c) : base("MimicFfn")
    {
        lin1 = Linear(c.Dim, c.Hidden);
        lin2 = Linear(c.Hidden, c.Dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => x;
}

internal sealed class MimicBlock : Module<Tensor, Tensor>
{
    public MimicAttention attention;
    public LayerNorm sa_layer_norm;
    public MimicFfn ffn;
    public LayerNorm output_layer_norm;

    public MimicBlock(MimicConfig c) : base("MimicBlock")
    {
        attention = new MimicAttention(c);
        sa_layer_norm = LayerNorm(c.Dim);
        ffn = new MimicFfn(c);
        output_layer_norm = LayerNorm(c.Dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => x;
}

internal sealed class MimicTransformer : Module<Tensor, Tensor>
{
    public ModuleList<MimicBlock> layer;

    public MimicTransformer(MimicConfig c) : base("MimicTransformer")
    {
        layer = ModuleList(Enumerable.Range(0, c.Layers).Select(_ => new MimicBlock(c)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => x;
}

/// <summary>Keys: embeddings.*, transformer.layer.N.* (HF DistilBertModel).</summary>
internal sealed class MimicDistilBertModel : Module<Tensor, Tensor>
{
    public MimicEmbeddings embeddings;
    public MimicTransformer transformer;

    public MimicDistilBertModel(MimicConfig c) : base("DistilBertModel")
    {
        embeddings = new MimicEmbeddings(c);
        transformer = new MimicTransformer(c);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => x;
}

/// <summary>Keys: distilbert.*, pre_classifier.*, classifier.* (HF DistilBertForSequenceClassification).</summary>
internal sealed class MimicSeqCls : Module<Tensor, Tensor>
{
    public MimicDistilBertModel distilbert;
    public Linear pre_classifier;
    public Linear classifier;

    public MimicSeqCls(MimicConfig c) : base("DistilBertForSequenceClassification")
    {
        distilbert = new MimicDistilBertModel(c);
        pre_classifier = Linear(c.Dim, c.Dim);
        classifier = Linear(c.Dim, c.Labels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => x;
}

/// <summary>Keys: distilbert.*, vocab_transform.*, vocab_layer_norm.*, vocab_projector.* with the projector weight tied to the word embeddings.</summary>
internal sealed class MimicMaskedLM : Module<Tensor, Tensor>
{
    public MimicDistilBertModel distilbert;
    public Linear vocab_transform;
    public LayerNorm vocab_layer_norm;
    public Linear vocab_projector;

    public MimicMaskedLM(MimicConfig c) : base("DistilBertForMaskedLM")
    {
        distilbert = new MimicDistilBertModel(c);
        vocab_transform = Linear(c.Dim, c.Dim);
        vocab_layer_norm = LayerNorm(c.Dim);
        vocab_projector = Linear(c.Dim, c.Vocab);
        vocab_projector.weight = distilbert.embeddings.word_embeddings.weight!; // tie
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => x;
}
#pragma warning restore IDE1006, CA1051
