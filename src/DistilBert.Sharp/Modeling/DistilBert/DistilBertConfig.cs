using System.Text.Json.Nodes;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// DistilBERT hyper-parameters, read from and written to HF's <c>config.json</c> (HF's <c>DistilBertConfig</c>).
/// Property defaults are those of <c>distilbert-base-uncased</c>. Keys this class does not model are kept and written
/// back unchanged, so a load/save round trip never loses information.
/// </summary>
public sealed class DistilBertConfig : PretrainedConfig
{
    /// <summary>Activations DistilBERT's feed-forward and MLM head accept (HF's <c>activation</c>).</summary>
    public static IReadOnlyList<string> SupportedActivations { get; } = ["gelu", "relu", "silu", "swish", "tanh"];

    /// <inheritdoc />
    public override string ModelType => "distilbert";

    /// <summary>Hidden size (HF's <c>dim</c>).</summary>
    public int Dim { get; set; } = 768;

    /// <summary>Number of transformer blocks (HF's <c>n_layers</c>).</summary>
    public int NLayers { get; set; } = 6;

    /// <summary>Attention heads per block (HF's <c>n_heads</c>); must divide <see cref="Dim"/>.</summary>
    public int NHeads { get; set; } = 12;

    /// <summary>Feed-forward inner size (HF's <c>hidden_dim</c>).</summary>
    public int HiddenDim { get; set; } = 3072;

    /// <summary>Vocabulary size (HF's <c>vocab_size</c>).</summary>
    public int VocabSize { get; set; } = 30522;

    /// <summary>Longest sequence the position table covers (HF's <c>max_position_embeddings</c>).</summary>
    public int MaxPositionEmbeddings { get; set; } = 512;

    /// <summary>Dropout on embeddings and feed-forward outputs (HF's <c>dropout</c>).</summary>
    public double Dropout { get; set; } = 0.1;

    /// <summary>Dropout on attention weights (HF's <c>attention_dropout</c>).</summary>
    public double AttentionDropout { get; set; } = 0.1;

    /// <summary>Dropout before the sequence-classification layer (HF's <c>seq_classif_dropout</c>).</summary>
    public double SeqClassifDropout { get; set; } = 0.2;

    /// <summary>Dropout before the question-answering layer (HF's <c>qa_dropout</c>).</summary>
    public double QaDropout { get; set; } = 0.1;

    /// <summary>Feed-forward activation (HF's <c>activation</c>): one of <see cref="SupportedActivations"/>.</summary>
    public string Activation { get; set; } = "gelu";

    /// <summary>Use fixed sinusoidal position embeddings instead of learned ones (HF's <c>sinusoidal_pos_embds</c>).</summary>
    public bool SinusoidalPosEmbds { get; set; }

    /// <summary>Standard deviation of the normal weight initialisation (HF's <c>initializer_range</c>).</summary>
    public double InitializerRange { get; set; } = 0.02;

    /// <summary>Id of the padding token; its embedding row starts at zero and gets no gradient (HF's <c>pad_token_id</c>).</summary>
    public int PadTokenId { get; set; }

    /// <summary>Tie the masked-LM projector to the word embeddings (HF's <c>tie_word_embeddings</c>).</summary>
    public bool TieWordEmbeddings { get; set; } = true;

    /// <summary>Size of one attention head.</summary>
    public int HeadDim => Dim / NHeads;

    /// <summary>Parses <c>config.json</c> text. Unknown keys are kept.</summary>
    /// <exception cref="InvalidDataException">The JSON is malformed, a key has the wrong type, or a value is invalid.</exception>
    public static DistilBertConfig FromJson(string json) => Parse(json, "config.json");

    /// <summary>Reads a <c>config.json</c> file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The content is not a valid DistilBERT configuration; the message names the file and key.</exception>
    public static DistilBertConfig FromFile(string path) => ConfigJson.ReadFile(path, "DistilBERT", Parse);

    /// <summary>A deep copy (extras included), e.g. to change <see cref="PretrainedConfig.NumLabels"/> without touching the original.</summary>
    public DistilBertConfig Clone() => CloneAs<DistilBertConfig>();

    /// <inheritdoc />
    public override void Validate()
    {
        ConfigJson.RequirePositive("dim", Dim);
        ConfigJson.RequirePositive("n_layers", NLayers);
        ConfigJson.RequirePositive("n_heads", NHeads);
        ConfigJson.RequirePositive("hidden_dim", HiddenDim);
        ConfigJson.RequirePositive("vocab_size", VocabSize);
        ConfigJson.RequirePositive("max_position_embeddings", MaxPositionEmbeddings);
        if (Dim % NHeads != 0)
            throw new ArgumentException($"dim ({Dim}) must be divisible by n_heads ({NHeads}).", "dim");
        ConfigJson.RequireProbability("dropout", Dropout);
        ConfigJson.RequireProbability("attention_dropout", AttentionDropout);
        ConfigJson.RequireProbability("seq_classif_dropout", SeqClassifDropout);
        ConfigJson.RequireProbability("qa_dropout", QaDropout);
        if (!SupportedActivations.Contains(Activation))
            throw new ArgumentException($"activation '{Activation}' is not supported; use one of: {string.Join(", ", SupportedActivations)}.", "activation");
        ConfigJson.ValidateCommon(this, InitializerRange, PadTokenId, VocabSize);
    }

    /// <inheritdoc />
    public override string ToJson()
    {
        var node = (JsonObject)Extra.DeepClone();
        node["activation"] = Activation;
        node["attention_dropout"] = AttentionDropout;
        node["dim"] = Dim;
        node["dropout"] = Dropout;
        node["hidden_dim"] = HiddenDim;
        node["initializer_range"] = InitializerRange;
        node["max_position_embeddings"] = MaxPositionEmbeddings;
        node["n_heads"] = NHeads;
        node["n_layers"] = NLayers;
        node["pad_token_id"] = PadTokenId;
        node["qa_dropout"] = QaDropout;
        node["seq_classif_dropout"] = SeqClassifDropout;
        node["sinusoidal_pos_embds"] = SinusoidalPosEmbds;
        node["tie_word_embeddings"] = TieWordEmbeddings;
        node["vocab_size"] = VocabSize;
        ConfigJson.PutCommon(node, this);
        return ConfigJson.ToSortedText(node);
    }

    private static DistilBertConfig Parse(string json, string source) => ConfigJson.Parse(json, source, reader =>
    {
        ConfigJson.RequireModelType(reader, "distilbert", source);
        var c = new DistilBertConfig();
        c.Dim = reader.TakeInt("dim") ?? c.Dim;
        c.NLayers = reader.TakeInt("n_layers") ?? c.NLayers;
        c.NHeads = reader.TakeInt("n_heads") ?? c.NHeads;
        c.HiddenDim = reader.TakeInt("hidden_dim") ?? c.HiddenDim;
        c.VocabSize = reader.TakeInt("vocab_size") ?? c.VocabSize;
        c.MaxPositionEmbeddings = reader.TakeInt("max_position_embeddings") ?? c.MaxPositionEmbeddings;
        c.Dropout = reader.TakeDouble("dropout") ?? c.Dropout;
        c.AttentionDropout = reader.TakeDouble("attention_dropout") ?? c.AttentionDropout;
        c.SeqClassifDropout = reader.TakeDouble("seq_classif_dropout") ?? c.SeqClassifDropout;
        c.QaDropout = reader.TakeDouble("qa_dropout") ?? c.QaDropout;
        c.Activation = reader.TakeString("activation") ?? c.Activation;
        c.SinusoidalPosEmbds = reader.TakeBool("sinusoidal_pos_embds") ?? c.SinusoidalPosEmbds;
        c.InitializerRange = reader.TakeDouble("initializer_range") ?? c.InitializerRange;
        c.PadTokenId = reader.TakeInt("pad_token_id") ?? c.PadTokenId;
        c.TieWordEmbeddings = reader.TakeBool("tie_word_embeddings") ?? c.TieWordEmbeddings;
        ConfigJson.TakeCommon(reader, c);
        c.Extra = reader.Remaining;
        c.Validate();
        return c;
    });
}
