using System.Text.Json.Nodes;
using DistilBert.Sharp.Modeling;

namespace DistilBert.Sharp.Cli;

/// <summary>Loads a TorchSharp model folder as the class its config.json's <c>architectures</c> names (HF's convention).</summary>
internal static class ModelFolder
{
    public static PreTrainedModel LoadTorch(string dir)
    {
        string config = Path.Combine(dir, "config.json");
        if (!File.Exists(config)) throw new FileNotFoundException($"'{dir}' has no config.json; give a model folder as SavePretrained writes it.", config);
        string architecture = (JsonNode.Parse(File.ReadAllText(config))?["architectures"] as JsonArray)?.FirstOrDefault()?.GetValue<string>() ?? "";
        return architecture switch
        {
            nameof(DistilBertForSequenceClassification) or nameof(BertForSequenceClassification) => AutoModelForSequenceClassification.FromPretrained(dir),
            nameof(DistilBertForTokenClassification) => DistilBertForTokenClassification.FromPretrained(dir),
            nameof(DistilBertForQuestionAnswering) => DistilBertForQuestionAnswering.FromPretrained(dir),
            nameof(DistilBertForMaskedLM) => DistilBertForMaskedLM.FromPretrained(dir),
            _ => AutoModel.FromPretrained(dir), // bare encoder (HF's feature-extraction export)
        };
    }
}
