using System.Globalization;
using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Weights;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;

namespace DistilBert.Sharp.Training.Distillation;

/// <summary>
/// The teacher's logits for every example of a training set, computed once and kept in a safetensors file (one row
/// per example, in dataset order), so that every epoch, every resumed run and every later run with the same teacher and
/// data reads them instead of running the teacher.
/// </summary>
/// <remarks>
/// <para>The file's metadata records a SHA-256 of the teacher (configuration and every weight), of the examples' token
/// ids and segment ids (count and order included) and the precision the logits were computed in. <see cref="LoadOrCompute"/> reuses the
/// file only when all three match; otherwise (or when the file is unreadable) it recomputes and replaces it. The file is
/// written beside its final name and renamed into place, so a kill leaves either the old cache or the new one.</para>
/// <para>Only logits are cached (hidden states would take <c>examples × seq × dim</c> floats); the cosine loss needs an
/// <see cref="OnlineTeacher"/>.</para>
/// </remarks>
public sealed class TeacherLogitsCache : ITeacher, IDisposable
{
    private const string LogitsKey = "logits";
    private const string FormatKey = "distilbert_sharp_teacher_logits";
    private const string FormatVersion = "1";
    private const string TeacherKey = "teacher_sha256";
    private const string DataKey = "inputs_sha256";
    private const string PrecisionKey = "precision";

    private readonly torch.Tensor _logits; // [examples, num_labels] fp32 on the CPU

    private TeacherLogitsCache(string path, torch.Tensor logits, bool loadedFromFile)
    {
        Path = path;
        _logits = logits;
        LoadedFromFile = loadedFromFile;
    }

    /// <summary>The cache file.</summary>
    public string Path { get; }

    /// <summary>True when the logits came from a valid existing file (a cache hit), false when they were just computed.</summary>
    public bool LoadedFromFile { get; }

    /// <summary>Number of examples (rows).</summary>
    public long Count => _logits.shape[0];

    /// <inheritdoc />
    public bool ProvidesHiddenStates => false;

    /// <summary>A copy of all logits, [examples, num_labels] fp32 on the CPU.</summary>
    public torch.Tensor Logits() => _logits.clone();

    /// <summary>
    /// Opens the cache at <paramref name="path"/> when it was made from the same teacher and examples; otherwise runs
    /// <paramref name="teacher"/> (eval mode, no gradient) over <paramref name="dataset"/> and writes the file.
    /// </summary>
    /// <param name="path">The cache file (e.g. <c>out/teacher-logits.safetensors</c>); its folder is created.</param>
    /// <param name="teacher">The fine-tuned teacher (on any device).</param>
    /// <param name="dataset">The training set (any <see cref="IModelDataset"/>), indexed as the Trainer indexes it.</param>
    /// <param name="dataCollator">Batch builder for the teacher; default <see cref="DataCollatorWithPadding"/> with id 0.</param>
    /// <param name="batchSize">Examples per teacher forward.</param>
    /// <param name="bf16">Run the teacher in bf16 mixed precision (recorded in the file: fp32 and bf16 caches differ).</param>
    /// <param name="logger">Says whether the cache was hit and why it was (re)computed.</param>
    /// <param name="cancellationToken">Checked between batches; a cancelled computation writes nothing.</param>
    public static TeacherLogitsCache LoadOrCompute(string path, PreTrainedModel teacher, IModelDataset dataset,
        IModelDataCollator? dataCollator = null, int batchSize = 64, bool bf16 = false, ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (dataset.Count == 0) throw new ArgumentException("The dataset is empty: there is nothing to compute teacher logits for.", nameof(dataset));
        logger ??= NullLogger.Instance;
        string full = System.IO.Path.GetFullPath(path);
        var expected = new Dictionary<string, string>
        {
            [FormatKey] = FormatVersion,
            [TeacherKey] = CacheFingerprint.OfModel(teacher),
            [DataKey] = CacheFingerprint.OfInputs(dataset),
            [PrecisionKey] = bf16 ? "bf16" : "fp32",
        };
        int numLabels = teacher.Config.NumLabels;

        if (TryLoad(full, expected, dataset.Count, numLabels, logger) is { } cached)
        {
            logger.LogInformation("Teacher logits: cache hit ({Path}, {Count} examples)", full, dataset.Count);
            return new TeacherLogitsCache(full, cached, loadedFromFile: true);
        }
        logger.LogInformation("Teacher logits: computing {Count} examples into {Path}", dataset.Count, full);
        var logits = ComputeLogits(teacher, dataset, dataCollator ?? new DataCollatorWithPadding(), batchSize, bf16, cancellationToken);
        try
        {
            // SafetensorsWriter writes a temporary file beside the target and renames it: all-old or all-new.
            SafetensorsWriter.Save(full, [new(LogitsKey, logits)], expected);
        }
        catch
        {
            logits.Dispose();
            throw;
        }
        return new TeacherLogitsCache(full, logits, loadedFromFile: false);
    }

    /// <inheritdoc />
    public ModelOutput Forward(ModelInputs inputs, IReadOnlyList<int> exampleIndices)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(exampleIndices);
        if (inputs.OutputHiddenStates)
            throw new NotSupportedException("The teacher-logits cache holds logits only; the cosine loss needs an OnlineTeacher.");
        long[] rows = new long[exampleIndices.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            int index = exampleIndices[i];
            if (index < 0 || index >= Count)
                throw new ArgumentOutOfRangeException(nameof(exampleIndices), index, $"Example {index} is not in the teacher-logits cache {Path} ({Count} examples): was it made for another dataset?");
            rows[i] = index;
        }
        using var indexTensor = torch.tensor(rows);
        return new ModelOutput { Logits = _logits.index_select(0, indexTensor).to(inputs.InputIds.device) };
    }

    /// <inheritdoc />
    public void Dispose() => _logits.Dispose();

    /// <summary>The cached logits when the file exists, is readable and matches; null (with the reason logged) otherwise.</summary>
    private static torch.Tensor? TryLoad(string path, Dictionary<string, string> expected, int count, int numLabels, ILogger logger)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var file = SafetensorsFile.Open(path);
            foreach (var (key, value) in expected)
            {
                if (!file.Metadata.TryGetValue(key, out var stored) || stored != value)
                {
                    logger.LogInformation("Teacher logits: {Path} is stale ({Key} changed); recomputing", path, key);
                    return null;
                }
            }
            if (!file.Tensors.TryGetValue(LogitsKey, out var info) || !info.ShapeSpan.SequenceEqual(new long[] { count, numLabels }))
            {
                logger.LogWarning("Teacher logits: {Path} has no [{Count}, {Labels}] '{Key}' tensor; recomputing", path, count, numLabels, LogitsKey);
                return null;
            }
            var logits = torch.empty([count, numLabels], torch.ScalarType.Float32);
            file.ReadInto(LogitsKey, logits);
            return logits;
        }
        catch (Exception ex) when (ex is SafetensorsFormatException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // A cache is disposable: an unreadable one (truncated by a disk error, edited) is rebuilt, not fatal.
            logger.LogWarning("Teacher logits: cannot read {Path} ({Reason}); recomputing", path, ex.Message);
            return null;
        }
    }

    private static torch.Tensor ComputeLogits(PreTrainedModel teacher, IModelDataset dataset, IModelDataCollator collator,
        int batchSize, bool bf16, CancellationToken cancellationToken)
    {
        var device = teacher.parameters().FirstOrDefault()?.device ?? torch.CPU;
        var result = torch.empty([dataset.Count, teacher.Config.NumLabels], torch.ScalarType.Float32);
        bool wasTraining = teacher.training;
        teacher.eval();
        try
        {
            using var noGrad = torch.no_grad();
            // Longest first in similar-length batches: less padding work; each row goes back to its example's position.
            int[] byLength = Enumerable.Range(0, dataset.Count).OrderByDescending(dataset.LengthOf).ThenBy(i => i).ToArray();
            foreach (int[] indices in byLength.Chunk(batchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                var inputs = collator.Collate(indices.Select(i => dataset[i]).ToArray());
                inputs = new ModelInputs(inputs.InputIds.to(device), inputs.AttentionMask?.to(device), inputs.TokenTypeIds?.to(device));
                ModelOutput output;
                using (MixedPrecision.Bf16Autocast(bf16))
                    output = teacher.forward(inputs);
                var logits = (output.Logits ?? throw new InvalidOperationException($"The teacher ({teacher.GetType().Name}) returned no logits; use a model with a classification head."))
                    .to(torch.ScalarType.Float32).cpu();
                if (logits.dim() != 2 || logits.shape[1] != result.shape[1])
                    throw new InvalidOperationException($"The teacher returned logits of shape [{string.Join(", ", logits.shape)}]; expected [batch, {result.shape[1]}].");
                using var rows = torch.tensor(indices.Select(i => (long)i).ToArray());
                result.index_copy_(0, rows, logits);
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }
        finally
        {
            teacher.train(wasTraining);
        }
        return result;
    }
}
