using System.Globalization;
using DistilBert.Sharp.Inference;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tokenization;

namespace DistilBert.Sharp.Onnx.Tests;

/// <summary>
/// Writes the exported folder that <c>scripts/check-package.sh</c>'s consumer app (DistilBert.Sharp.Onnx + ONNX Runtime
/// only, no libtorch) classifies with: a tiny classifier, its tokenizer, and <c>expected.tsv</c> holding the TorchSharp
/// pipeline's label and score per text. Set <c>DISTILBERT_SHARP_ONNX_SAMPLE_DIR</c> to keep the folder; without it the
/// test checks the folder in a temporary directory.
/// </summary>
[Collection(TorchRngCollection.Name)]
public class ConsumerFolderTests
{
    public static readonly string[] Texts = ["a great film", "an awful plot", "the acting was not bad", ""];

    [Fact]
    public void Exported_sample_folder_reproduces_the_TorchSharp_pipeline()
    {
        using var temp = new TempDirectory();
        string target = Environment.GetEnvironmentVariable("DISTILBERT_SHARP_ONNX_SAMPLE_DIR") is { Length: > 0 } kept ? kept : temp.Combine("sample");
        string[] words = ["a", "an", "the", "great", "awful", "film", "plot", "acting", "was", "not", "bad"];
        Directory.CreateDirectory(temp.Combine("tok"));
        File.WriteAllText(temp.Combine("tok", "vocab.txt"), string.Join("\n", new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Concat(words)
            .Concat(Enumerable.Range(0, 60 - 5 - words.Length).Select(i => $"w{i}"))) + "\n");
        File.WriteAllText(temp.Combine("tok", "tokenizer_config.json"), """{"do_lower_case": true, "model_max_length": 32}""");
        var tokenizer = DistilBertTokenizer.FromPretrained(temp.Combine("tok"));
        TorchSharp.torch.manual_seed(11);
        // A wide init (std 0.5) so the texts get clearly different scores, which the 1e-4 comparison can tell apart.
        var config = TinyModels.DistilBert(labels: 2);
        config.InitializerRange = 0.5;
        using var model = new DistilBertForSequenceClassification(config);
        model.Config.Id2Label = new Dictionary<int, string> { [0] = "NEGATIVE", [1] = "POSITIVE" };
        OnnxExporter.Export(model, target, new OnnxExportOptions { Tokenizer = tokenizer, Overwrite = true });

        var expected = new TextClassificationPipeline(model, tokenizer).PredictBatch(Texts);
        File.WriteAllLines(Path.Combine(target, "expected.tsv"),
            Texts.Select((t, i) => $"{t}\t{expected[i][0].Label}\t{expected[i][0].Score.ToString("R", CultureInfo.InvariantCulture)}"));

        using var onnx = new OnnxTextClassificationPipeline(target);
        var actual = onnx.PredictBatch(Texts);
        for (int i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(expected[i][0].Label, actual[i][0].Label);
            Assert.Equal(expected[i][0].Score, actual[i][0].Score, 1e-4);
        }
    }
}
