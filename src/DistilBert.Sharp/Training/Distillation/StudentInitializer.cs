using System.Text.RegularExpressions;
using DistilBert.Sharp.Modeling;
using TorchSharp;

namespace DistilBert.Sharp.Training.Distillation;

/// <summary>
/// Builds a shallower student from a teacher by copying chosen transformer layers, the embeddings and the head
/// (DistilBERT's initialisation, Sanh et al. 2019: every other layer of the teacher). The student is the teacher's
/// class with the new layer count in its configuration, so <c>SavePretrained</c> writes an ordinary HF folder.
/// </summary>
public static partial class StudentInitializer
{
    /// <summary>DistilBERT's choice: layers 0, 2, 4, … of a teacher with <paramref name="teacherLayers"/> layers (half of them, rounded up).</summary>
    public static IReadOnlyList<int> EveryOtherLayer(int teacherLayers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(teacherLayers, 1);
        return Enumerable.Range(0, (teacherLayers + 1) / 2).Select(i => 2 * i).ToArray();
    }

    /// <summary>
    /// A new model of <paramref name="teacher"/>'s class whose layer <c>j</c> is a copy of the teacher's layer
    /// <c>layers[j]</c>, with copies of everything else (embeddings, pooler, classification head). The teacher is unchanged.
    /// </summary>
    /// <param name="teacher">A DistilBERT or BERT model (bare encoder or with a head).</param>
    /// <param name="layers">Teacher layer indices in student order (distinct); default <see cref="EveryOtherLayer"/>.</param>
    /// <remarks>The student's constructor draws its (discarded) random initialisation from the global torch RNG; seed
    /// afterwards if later random draws must not depend on the student's size.</remarks>
    /// <exception cref="ArgumentException">An index is out of range or repeated, or the list is empty.</exception>
    /// <exception cref="NotSupportedException">The teacher's configuration is neither DistilBERT's nor BERT's.</exception>
    public static PreTrainedModel Create(PreTrainedModel teacher, IReadOnlyList<int>? layers = null)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        int teacherLayers = LayerCount(teacher.Config);
        layers ??= EveryOtherLayer(teacherLayers);
        if (layers.Count == 0) throw new ArgumentException("Choose at least one teacher layer.", nameof(layers));
        foreach (int layer in layers)
        {
            if (layer < 0 || layer >= teacherLayers)
                throw new ArgumentException($"Layer {layer} does not exist: the teacher has layers 0..{teacherLayers - 1}.", nameof(layers));
        }
        if (layers.Distinct().Count() != layers.Count)
            throw new ArgumentException($"Layers [{string.Join(", ", layers)}] repeat an index.", nameof(layers));

        var config = teacher.Config.CloneConfig();
        SetLayerCount(config, layers.Count);
        PreTrainedModel student;
        try
        {
            // Every model class of the library has a public constructor taking its configuration; reflection keeps this
            // one method for all heads of both families instead of a switch that each new head would have to extend.
            student = (PreTrainedModel)Activator.CreateInstance(teacher.GetType(), config)!;
        }
        catch (MissingMethodException)
        {
            throw new NotSupportedException($"{teacher.GetType().Name} has no public constructor taking its configuration; StudentInitializer cannot build a student of it.");
        }

        try
        {
            CopyWeights(teacher, student, layers);
        }
        catch
        {
            student.Dispose();
            throw;
        }
        student.train(teacher.training);
        return student;
    }

    private static void CopyWeights(PreTrainedModel teacher, PreTrainedModel student, IReadOnlyList<int> layers)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var source = teacher.state_dict();
        foreach (var (name, destination) in student.state_dict())
        {
            // "distilbert.transformer.layer.1.…" / "bert.encoder.layer.1.…": the student's layer j reads the teacher's layers[j].
            string teacherName = LayerIndex().Replace(name, m => $"{m.Groups[1].Value}layer.{layers[int.Parse(m.Groups[2].Value)]}.", 1);
            if (!source.TryGetValue(teacherName, out var value))
                throw new InvalidOperationException($"The teacher has no '{teacherName}' for the student's '{name}'.");
            if (!value.shape.SequenceEqual(destination.shape))
                throw new InvalidOperationException($"'{teacherName}' has shape [{string.Join(", ", value.shape)}] in the teacher but [{string.Join(", ", destination.shape)}] in the student.");
            destination.copy_(value);
        }
    }

    private static int LayerCount(PretrainedConfig config) => config switch
    {
        DistilBertConfig d => d.NLayers,
        BertConfig b => b.NumHiddenLayers,
        _ => throw new NotSupportedException($"StudentInitializer supports DistilBERT and BERT models; got model_type '{config.ModelType}'."),
    };

    private static void SetLayerCount(PretrainedConfig config, int layers)
    {
        if (config is DistilBertConfig d) d.NLayers = layers;
        else ((BertConfig)config).NumHiddenLayers = layers;
    }

    [GeneratedRegex(@"(^|\.)layer\.(\d+)\.")]
    private static partial Regex LayerIndex();
}
