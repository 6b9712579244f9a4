using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp;

namespace DistilBert.Sharp.Training.Optimization;

/// <summary>
/// Layer-wise learning-rate decay (Sun et al., 2019, "How to Fine-Tune BERT for Text Classification?"): the further a
/// parameter sits from the output, the smaller its learning rate.
/// </summary>
/// <remarks>
/// Depth k of a parameter, with L encoder layers (found from the names):
/// <list type="bullet">
/// <item>k = 0: everything that is neither an encoder layer nor the embeddings — the task head (DistilBERT's
/// <c>pre_classifier</c>/<c>classifier</c>, the masked-LM head, BERT's <c>pooler</c>, which sits above the top layer);</item>
/// <item>k = L − N for encoder layer N (<c>…transformer.layer.N.</c> or <c>…encoder.layer.N.</c>): the top layer has k = 1;</item>
/// <item>k = L + 1 for the embeddings (<c>…embeddings.</c>): the lowest rate.</item>
/// </list>
/// The group's base learning rate is <c>learningRate × decay^k</c>. Each depth gets HF's two weight-decay groups
/// (no decay on biases and LayerNorm weights), and the schedule multiplies every group's base rate by the same factor.
/// </remarks>
public static partial class LayerwiseLearningRates
{
    [GeneratedRegex(@"(?:^|\.)(?:transformer|encoder)\.layer\.(\d+)\.")]
    private static partial Regex LayerPattern();

    [GeneratedRegex(@"(?:^|\.)embeddings\.")]
    private static partial Regex EmbeddingsPattern();

    /// <summary>The encoder layer index in <paramref name="parameterName"/>, or null when it is not in an encoder layer.</summary>
    public static int? LayerIndex(string parameterName)
    {
        ArgumentNullException.ThrowIfNull(parameterName);
        var m = LayerPattern().Match(parameterName);
        return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Depth k of a parameter (0 = head, L − N for layer N, L + 1 for embeddings) in a model of <paramref name="numLayers"/> layers.</summary>
    public static int Depth(string parameterName, int numLayers)
    {
        if (LayerIndex(parameterName) is int layer)
        {
            if (layer >= numLayers)
                throw new ArgumentOutOfRangeException(nameof(parameterName), parameterName, $"Layer {layer} is outside a model of {numLayers} layers.");
            return numLayers - layer;
        }
        return EmbeddingsPattern().IsMatch(parameterName) ? numLayers + 1 : 0;
    }

    /// <summary>
    /// Builds the AdamW groups: for each depth k (head first), [weights with <paramref name="weightDecay"/>, biases and
    /// LayerNorm weights with 0], all at <c>learningRate × decay^k</c>. Empty groups are left out.
    /// </summary>
    /// <param name="model">The model whose trainable parameters are grouped.</param>
    /// <param name="weightDecay">Decoupled weight decay of the decayed groups.</param>
    /// <param name="learningRate">Base learning rate of the head.</param>
    /// <param name="decay">Factor per layer downwards, in (0, 1] (Sun et al. use 0.95; 1 gives HF's rates in more groups).</param>
    /// <exception cref="ArgumentException">The model has no parameter in an encoder layer, so there is nothing to decay.</exception>
    public static IReadOnlyList<ParameterGroup> CreateGroups(torch.nn.Module model, double weightDecay, double learningRate, double decay)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(decay > 0 && decay <= 1)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "layerwise_lr_decay must be in (0, 1].");
        var decayNames = ParameterGroups.DecayParameterNames(model);
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToList();
        int numLayers = trainable.Select(p => LayerIndex(p.name) ?? -1).DefaultIfEmpty(-1).Max() + 1;
        if (numLayers == 0)
            throw new ArgumentException("Layer-wise learning-rate decay found no encoder layer parameters (names like " +
                "'distilbert.transformer.layer.N.' or 'bert.encoder.layer.N.'); unset layerwise_lr_decay for this model.", nameof(model));

        var groups = new List<ParameterGroup>();
        foreach (var atDepth in trainable.GroupBy(p => Depth(p.name, numLayers)).OrderBy(g => g.Key))
        {
            double lr = learningRate * Math.Pow(decay, atDepth.Key);
            var decayed = atDepth.Where(p => decayNames.Contains(p.name)).ToList();
            var notDecayed = atDepth.Where(p => !decayNames.Contains(p.name)).ToList();
            if (decayed.Count > 0) groups.Add(new ParameterGroup(decayed, weightDecay, lr));
            if (notDecayed.Count > 0) groups.Add(new ParameterGroup(notDecayed, 0.0, lr));
        }
        return groups;
    }
}
