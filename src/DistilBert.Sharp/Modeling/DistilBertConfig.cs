using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// DistilBERT hyper-parameters, read from and written to HF's <c>config.json</c> (HF's <c>DistilBertConfig</c>).
/// Property defaults are those of <c>distilbert-base-uncased</c>. Keys this class does not model are kept and written
/// back unchanged, so a load/save round trip never loses information.
/// </summary>
public sealed class DistilBertConfig : PretrainedConfig
{
    private JsonObject _extra = new();

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
    public static DistilBertConfig FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"DistilBERT configuration file '{path}' does not exist.", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Writes <c>config.json</c> atomically (temporary file, then rename), so a crash never leaves half a file.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Validate();
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            File.WriteAllText(temp, ToJson(), new UTF8Encoding(false));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>A deep copy (extras included), e.g. to change <see cref="PretrainedConfig.NumLabels"/> without touching the original.</summary>
    public DistilBertConfig Clone()
    {
        var copy = (DistilBertConfig)MemberwiseClone();
        copy._extra = (JsonObject)_extra.DeepClone();
        copy.Id2Label = new Dictionary<int, string>(Id2Label);
        copy.Architectures = Architectures?.ToArray();
        return copy;
    }

    /// <summary>Checks every value; throws <see cref="ArgumentException"/> naming the offending key and value.</summary>
    public void Validate()
    {
        RequirePositive("dim", Dim);
        RequirePositive("n_layers", NLayers);
        RequirePositive("n_heads", NHeads);
        RequirePositive("hidden_dim", HiddenDim);
        RequirePositive("vocab_size", VocabSize);
        RequirePositive("max_position_embeddings", MaxPositionEmbeddings);
        if (Dim % NHeads != 0)
            throw new ArgumentException($"dim ({Dim}) must be divisible by n_heads ({NHeads}).", "dim");
        RequireProbability("dropout", Dropout);
        RequireProbability("attention_dropout", AttentionDropout);
        RequireProbability("seq_classif_dropout", SeqClassifDropout);
        RequireProbability("qa_dropout", QaDropout);
        if (!SupportedActivations.Contains(Activation))
            throw new ArgumentException($"activation '{Activation}' is not supported; use one of: {string.Join(", ", SupportedActivations)}.", "activation");
        if (!(InitializerRange > 0) || double.IsInfinity(InitializerRange))
            throw new ArgumentException($"initializer_range must be a positive number, got {InitializerRange}.", "initializer_range");
        if (PadTokenId < 0 || PadTokenId >= VocabSize)
            throw new ArgumentException($"pad_token_id ({PadTokenId}) must lie in [0, vocab_size={VocabSize}).", "pad_token_id");
        if (Id2Label.Count == 0)
            throw new ArgumentException("id2label must hold at least one label.", "id2label");
        for (int i = 0; i < Id2Label.Count; i++)
            if (!Id2Label.ContainsKey(i))
                throw new ArgumentException($"id2label must map every id 0..{Id2Label.Count - 1}; id {i} is missing.", "id2label");
        if (ProblemType is not null && !KnownProblemTypes.Contains(ProblemType))
            throw new ArgumentException($"problem_type '{ProblemType}' is not one of: {string.Join(", ", KnownProblemTypes)}.", "problem_type");
    }

    /// <inheritdoc />
    public override string ToJson()
    {
        var node = (JsonObject)_extra.DeepClone();
        node["activation"] = Activation;
        node["architectures"] = Architectures is null ? null : new JsonArray(Architectures.Select(a => (JsonNode?)a).ToArray());
        node["attention_dropout"] = AttentionDropout;
        node["dim"] = Dim;
        node["dropout"] = Dropout;
        node["hidden_dim"] = HiddenDim;
        var id2label = new JsonObject();
        foreach (var (id, label) in Id2Label.OrderBy(kv => kv.Key)) id2label[id.ToString(CultureInfo.InvariantCulture)] = label;
        node["id2label"] = id2label;
        node["initializer_range"] = InitializerRange;
        var label2id = new JsonObject();
        foreach (var (id, label) in Id2Label.OrderBy(kv => kv.Key)) label2id[label] = id;
        node["label2id"] = label2id;
        node["max_position_embeddings"] = MaxPositionEmbeddings;
        node["model_type"] = ModelType;
        node["n_heads"] = NHeads;
        node["n_layers"] = NLayers;
        node["pad_token_id"] = PadTokenId;
        node["problem_type"] = ProblemType;
        node["qa_dropout"] = QaDropout;
        node["seq_classif_dropout"] = SeqClassifDropout;
        node["sinusoidal_pos_embds"] = SinusoidalPosEmbds;
        node["tie_word_embeddings"] = TieWordEmbeddings;
        node["vocab_size"] = VocabSize;
        // HF writes config.json with sorted keys and two-space indentation; do the same so diffs stay readable.
        var sorted = new JsonObject();
        foreach (var kv in node.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sorted[kv.Key] = kv.Value?.DeepClone();
        return sorted.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Keys of <c>config.json</c> this class does not model, kept verbatim for the round trip.</summary>
    public IReadOnlyDictionary<string, JsonNode?> ExtraKeys => _extra.ToDictionary(kv => kv.Key, kv => kv.Value);

    private static void RequirePositive(string key, int value)
    {
        if (value <= 0) throw new ArgumentException($"{key} must be positive, got {value}.", key);
    }

    private static void RequireProbability(string key, double value)
    {
        if (!(value >= 0 && value < 1)) throw new ArgumentException($"{key} must be a probability in [0, 1), got {value}.", key);
    }

    private static DistilBertConfig Parse(string json, string source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject
                   ?? throw new InvalidDataException($"{source}: expected a JSON object at the top level.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source} is not valid JSON: {ex.Message}", ex);
        }
        try
        {
            return FromObject(root, source);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{source}: {ex.Message}", ex);
        }
    }

    private static DistilBertConfig FromObject(JsonObject root, string source)
    {
        var reader = new ConfigJsonReader((JsonObject)root.DeepClone(), source);
        string? modelType = reader.TakeString("model_type");
        if (modelType is not null && modelType != "distilbert")
            throw new InvalidDataException($"{source}: model_type is '{modelType}', not 'distilbert'.");
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
        c.ProblemType = reader.TakeString("problem_type");
        c.Architectures = reader.TakeStringList("architectures");
        c.Id2Label = reader.TakeLabels();
        c._extra = reader.Remaining;
        c.Validate();
        return c;
    }
}
