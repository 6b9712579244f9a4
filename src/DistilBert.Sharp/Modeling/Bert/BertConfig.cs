using System.Text.Json.Nodes;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// BERT hyper-parameters, read from and written to HF's <c>config.json</c> (HF's <c>BertConfig</c>). Property defaults
/// are those of <c>bert-base-uncased</c>. Keys this class does not model are kept and written back unchanged.
/// Only the encoder-only, absolute-position variant is supported; other settings are rejected with a clear message.
/// </summary>
public sealed class BertConfig : PretrainedConfig
{
    /// <inheritdoc />
    public override string ModelType => "bert";

    /// <summary>Vocabulary size (HF's <c>vocab_size</c>).</summary>
    public int VocabSize { get; set; } = 30522;

    /// <summary>Hidden size (HF's <c>hidden_size</c>).</summary>
    public int HiddenSize { get; set; } = 768;

    /// <summary>Number of encoder layers (HF's <c>num_hidden_layers</c>).</summary>
    public int NumHiddenLayers { get; set; } = 12;

    /// <summary>Attention heads per layer (HF's <c>num_attention_heads</c>); must divide <see cref="HiddenSize"/>.</summary>
    public int NumAttentionHeads { get; set; } = 12;

    /// <summary>Feed-forward inner size (HF's <c>intermediate_size</c>).</summary>
    public int IntermediateSize { get; set; } = 3072;

    /// <summary>Feed-forward activation (HF's <c>hidden_act</c>): one of <see cref="DistilBertConfig.SupportedActivations"/>.</summary>
    public string HiddenAct { get; set; } = "gelu";

    /// <summary>Dropout on embeddings and every sub-layer output (HF's <c>hidden_dropout_prob</c>).</summary>
    public double HiddenDropoutProb { get; set; } = 0.1;

    /// <summary>Dropout on attention weights (HF's <c>attention_probs_dropout_prob</c>).</summary>
    public double AttentionProbsDropoutProb { get; set; } = 0.1;

    /// <summary>Longest sequence the position table covers (HF's <c>max_position_embeddings</c>).</summary>
    public int MaxPositionEmbeddings { get; set; } = 512;

    /// <summary>Number of segment ids (HF's <c>type_vocab_size</c>).</summary>
    public int TypeVocabSize { get; set; } = 2;

    /// <summary>Standard deviation of the normal weight initialisation (HF's <c>initializer_range</c>).</summary>
    public double InitializerRange { get; set; } = 0.02;

    /// <summary>Epsilon of every LayerNorm (HF's <c>layer_norm_eps</c>).</summary>
    public double LayerNormEps { get; set; } = 1e-12;

    /// <summary>Id of the padding token; its embedding row starts at zero and gets no gradient (HF's <c>pad_token_id</c>).</summary>
    public int PadTokenId { get; set; }

    /// <summary>Dropout before the classification layer (HF's <c>classifier_dropout</c>); null means <see cref="HiddenDropoutProb"/>.</summary>
    public double? ClassifierDropout { get; set; }

    /// <summary>HF's <c>position_embedding_type</c>; only <c>absolute</c> is supported.</summary>
    public string PositionEmbeddingType { get; set; } = "absolute";

    /// <summary>Size of one attention head.</summary>
    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Parses <c>config.json</c> text. Unknown keys are kept.</summary>
    /// <exception cref="InvalidDataException">The JSON is malformed, a key has the wrong type, or a value is invalid or unsupported.</exception>
    public static BertConfig FromJson(string json) => Parse(json, "config.json");

    /// <summary>Reads a <c>config.json</c> file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The content is not a valid BERT configuration; the message names the file and key.</exception>
    public static BertConfig FromFile(string path) => ConfigJson.ReadFile(path, "BERT", Parse);

    /// <summary>A deep copy (extras included), e.g. to change <see cref="PretrainedConfig.NumLabels"/> without touching the original.</summary>
    public BertConfig Clone() => CloneAs<BertConfig>();

    /// <inheritdoc />
    public override void Validate()
    {
        ConfigJson.RequirePositive("vocab_size", VocabSize);
        ConfigJson.RequirePositive("hidden_size", HiddenSize);
        ConfigJson.RequirePositive("num_hidden_layers", NumHiddenLayers);
        ConfigJson.RequirePositive("num_attention_heads", NumAttentionHeads);
        ConfigJson.RequirePositive("intermediate_size", IntermediateSize);
        ConfigJson.RequirePositive("max_position_embeddings", MaxPositionEmbeddings);
        ConfigJson.RequirePositive("type_vocab_size", TypeVocabSize);
        if (HiddenSize % NumAttentionHeads != 0)
            throw new ArgumentException($"hidden_size ({HiddenSize}) must be divisible by num_attention_heads ({NumAttentionHeads}).", "hidden_size");
        ConfigJson.RequireProbability("hidden_dropout_prob", HiddenDropoutProb);
        ConfigJson.RequireProbability("attention_probs_dropout_prob", AttentionProbsDropoutProb);
        if (ClassifierDropout is { } classifierDropout) ConfigJson.RequireProbability("classifier_dropout", classifierDropout);
        if (!DistilBertConfig.SupportedActivations.Contains(HiddenAct))
            throw new ArgumentException($"hidden_act '{HiddenAct}' is not supported; use one of: {string.Join(", ", DistilBertConfig.SupportedActivations)}.", "hidden_act");
        if (PositionEmbeddingType != "absolute")
            throw new ArgumentException($"position_embedding_type '{PositionEmbeddingType}' is not supported; only 'absolute' is.", "position_embedding_type");
        if (!(LayerNormEps > 0) || double.IsInfinity(LayerNormEps))
            throw new ArgumentException($"layer_norm_eps must be a positive number, got {LayerNormEps}.", "layer_norm_eps");
        // A decoder (causal mask, cross-attention) would silently compute something else: refuse it.
        foreach (string key in (string[])["is_decoder", "add_cross_attention"])
            if (Extra[key] is JsonValue v && v.TryGetValue(out bool on) && on)
                throw new ArgumentException($"{key} is true; only the BERT encoder is supported.", key);
        ConfigJson.ValidateCommon(this, InitializerRange, PadTokenId, VocabSize);
    }

    /// <inheritdoc />
    public override string ToJson()
    {
        var node = (JsonObject)Extra.DeepClone();
        node["attention_probs_dropout_prob"] = AttentionProbsDropoutProb;
        node["classifier_dropout"] = ClassifierDropout;
        node["hidden_act"] = HiddenAct;
        node["hidden_dropout_prob"] = HiddenDropoutProb;
        node["hidden_size"] = HiddenSize;
        node["initializer_range"] = InitializerRange;
        node["intermediate_size"] = IntermediateSize;
        node["layer_norm_eps"] = LayerNormEps;
        node["max_position_embeddings"] = MaxPositionEmbeddings;
        node["num_attention_heads"] = NumAttentionHeads;
        node["num_hidden_layers"] = NumHiddenLayers;
        node["pad_token_id"] = PadTokenId;
        node["position_embedding_type"] = PositionEmbeddingType;
        node["type_vocab_size"] = TypeVocabSize;
        node["vocab_size"] = VocabSize;
        ConfigJson.PutCommon(node, this);
        return ConfigJson.ToSortedText(node);
    }

    private static BertConfig Parse(string json, string source) => ConfigJson.Parse(json, source, reader =>
    {
        ConfigJson.RequireModelType(reader, "bert", source);
        var c = new BertConfig();
        c.VocabSize = reader.TakeInt("vocab_size") ?? c.VocabSize;
        c.HiddenSize = reader.TakeInt("hidden_size") ?? c.HiddenSize;
        c.NumHiddenLayers = reader.TakeInt("num_hidden_layers") ?? c.NumHiddenLayers;
        c.NumAttentionHeads = reader.TakeInt("num_attention_heads") ?? c.NumAttentionHeads;
        c.IntermediateSize = reader.TakeInt("intermediate_size") ?? c.IntermediateSize;
        c.HiddenAct = reader.TakeString("hidden_act") ?? c.HiddenAct;
        c.HiddenDropoutProb = reader.TakeDouble("hidden_dropout_prob") ?? c.HiddenDropoutProb;
        c.AttentionProbsDropoutProb = reader.TakeDouble("attention_probs_dropout_prob") ?? c.AttentionProbsDropoutProb;
        c.MaxPositionEmbeddings = reader.TakeInt("max_position_embeddings") ?? c.MaxPositionEmbeddings;
        c.TypeVocabSize = reader.TakeInt("type_vocab_size") ?? c.TypeVocabSize;
        c.InitializerRange = reader.TakeDouble("initializer_range") ?? c.InitializerRange;
        c.LayerNormEps = reader.TakeDouble("layer_norm_eps") ?? c.LayerNormEps;
        c.PadTokenId = reader.TakeInt("pad_token_id") ?? c.PadTokenId;
        c.ClassifierDropout = reader.TakeDouble("classifier_dropout");
        c.PositionEmbeddingType = reader.TakeString("position_embedding_type") ?? c.PositionEmbeddingType;
        ConfigJson.TakeCommon(reader, c);
        c.Extra = reader.Remaining;
        c.Validate();
        return c;
    });
}
