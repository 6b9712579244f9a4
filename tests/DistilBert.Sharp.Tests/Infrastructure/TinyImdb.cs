using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Tests.Infrastructure;

/// <summary>
/// A synthetic aclImdb folder (same layout and file naming as the real one) whose reviews carry their sentiment in
/// a few words, plus a tiny random DistilBERT with a matching vocabulary saved in HF layout: enough to run the IMDb
/// workflow end to end in seconds and still check that it learns.
/// </summary>
internal static class TinyImdb
{
    private static readonly string[] Positive = ["good", "great", "wonderful", "loved"];
    private static readonly string[] Negative = ["bad", "awful", "boring", "hated"];
    private static readonly string[] Filler = ["the", "movie", "film", "was", "plot", "actor", "and", "it", "a", "story"];

    /// <summary>Writes <c>aclImdb/{train,test}/{pos,neg}/&lt;id&gt;_&lt;rating&gt;.txt</c> under <paramref name="root"/>; returns the aclImdb folder.</summary>
    public static string WriteDataset(string root, int perLabel = 60, int seed = 1)
    {
        var random = new Random(seed);
        string aclImdb = Path.Combine(root, "aclImdb");
        foreach (string split in new[] { "train", "test" })
        {
            foreach (var (label, words) in new[] { ("pos", Positive), ("neg", Negative) })
            {
                string dir = Directory.CreateDirectory(Path.Combine(aclImdb, split, label)).FullName;
                for (int i = 0; i < perLabel; i++)
                {
                    var tokens = Enumerable.Range(0, random.Next(3, 10)).Select(_ => Filler[random.Next(Filler.Length)]).ToList();
                    for (int k = 0; k < 3; k++) tokens.Insert(random.Next(tokens.Count + 1), words[random.Next(words.Length)]);
                    string text = string.Join(' ', tokens) + (random.Next(3) == 0 ? ".<br /><br />The End" : ".");
                    File.WriteAllText(Path.Combine(dir, $"{i}_{(label == "pos" ? 8 : 2)}.txt"), text);
                }
            }
        }
        return aclImdb;
    }

    /// <summary>Saves a tiny random two-label DistilBERT and its tokenizer into <paramref name="directory"/> (HF layout).</summary>
    public static string WriteModel(string directory, int seed = 3)
    {
        Directory.CreateDirectory(directory);
        string[] vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", "<", ">", "/", "br", "end", .. Positive, .. Negative, .. Filler];
        File.WriteAllText(Path.Combine(directory, "vocab.txt"), string.Join("\n", vocab) + "\n");
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), """{"do_lower_case": true, "model_max_length": 64}""");
        TorchSharp.torch.manual_seed(seed);
        using var model = new DistilBertForSequenceClassification(new DistilBertConfig
        {
            Dim = 32, NLayers = 2, NHeads = 2, HiddenDim = 64, VocabSize = vocab.Length, MaxPositionEmbeddings = 64,
            Id2Label = PretrainedConfig.DefaultLabels(2),
        });
        model.SavePretrained(directory);
        return directory;
    }

    /// <summary>The tokenizer saved by <see cref="WriteModel"/>.</summary>
    public static DistilBertTokenizer Tokenizer(string modelDirectory) => DistilBertTokenizer.FromPretrained(modelDirectory);
}
