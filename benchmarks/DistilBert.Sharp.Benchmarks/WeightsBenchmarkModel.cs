using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DistilBert.Sharp.Benchmarks;

// A parameter container shaped and named exactly like HF's DistilBertModel state dict (embeddings.*,
// transformer.layer.N.*), so the weights benchmarks load a real checkpoint into realistic parameters without depending
// on the modeling layer. Field names are HF's, hence lower case.
#pragma warning disable IDE1006, CA1051
internal sealed class WeightsBenchmarkModel : Module<Tensor, Tensor>
{
    public Embeddings embeddings;
    public Transformer transformer;

    public WeightsBenchmarkModel(long vocab, long dim, long hidden, long positions, int layers) : base("DistilBertModel")
    {
        embeddings = new Embeddings(vocab, dim, positions);
        transformer = new Transformer(dim, hidden, layers);
        RegisterComponents();
    }

    /// <summary>The shapes of sentence-transformers all-MiniLM-L6-v2 in DistilBERT layout (the 90 MB checkpoint).</summary>
    public static WeightsBenchmarkModel MiniLm() => new(30522, 384, 1536, 512, 6);

    public override Tensor forward(Tensor x) => x;

    internal sealed class Embeddings : Module<Tensor, Tensor>
    {
        public Embedding word_embeddings, position_embeddings;
        public LayerNorm LayerNorm;

        public Embeddings(long vocab, long dim, long positions) : base("Embeddings")
        {
            word_embeddings = Embedding(vocab, dim);
            position_embeddings = Embedding(positions, dim);
            LayerNorm = nn.LayerNorm(dim);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => x;
    }

    internal sealed class Transformer : Module<Tensor, Tensor>
    {
        public ModuleList<Block> layer;

        public Transformer(long dim, long hidden, int layers) : base("Transformer")
        {
            layer = ModuleList(Enumerable.Range(0, layers).Select(_ => new Block(dim, hidden)).ToArray());
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => x;
    }

    internal sealed class Block : Module<Tensor, Tensor>
    {
        public Attention attention;
        public LayerNorm sa_layer_norm, output_layer_norm;
        public Ffn ffn;

        public Block(long dim, long hidden) : base("Block")
        {
            attention = new Attention(dim);
            sa_layer_norm = LayerNorm(dim);
            ffn = new Ffn(dim, hidden);
            output_layer_norm = LayerNorm(dim);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => x;
    }

    internal sealed class Attention : Module<Tensor, Tensor>
    {
        public Linear q_lin, k_lin, v_lin, out_lin;

        public Attention(long dim) : base("Attention")
        {
            q_lin = Linear(dim, dim);
            k_lin = Linear(dim, dim);
            v_lin = Linear(dim, dim);
            out_lin = Linear(dim, dim);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => x;
    }

    internal sealed class Ffn : Module<Tensor, Tensor>
    {
        public Linear lin1, lin2;

        public Ffn(long dim, long hidden) : base("Ffn")
        {
            lin1 = Linear(dim, hidden);
            lin2 = Linear(hidden, dim);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => x;
    }
}
#pragma warning restore IDE1006, CA1051

/// <summary>Finds the shared real checkpoint used by the weights benchmarks.</summary>
internal static class WeightsBenchmarkData
{
    public static string MiniLmCheckpoint()
    {
        string? shared = Environment.GetEnvironmentVariable("DISTILBERT_SHARP_SHARED");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); shared is null && dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DistilBert.Sharp.sln")))
                shared = Path.Combine(dir.FullName, "..", "shared");
        string path = Path.GetFullPath(Path.Combine(shared ?? "../shared", "models", "minilm-l6-h384-distilbert", "model.safetensors"));
        if (!File.Exists(path))
            throw new FileNotFoundException($"The weights benchmarks need {path} (set DISTILBERT_SHARP_SHARED to the shared folder).", path);
        return path;
    }
}
