using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Tokenization;
using TorchSharp;

namespace DistilBert.Sharp.Data;

/// <summary>
/// Builds masked-LM batches (HF's <c>DataCollatorForLanguageModeling</c> with <c>mlm=True</c>): pads like
/// <see cref="DataCollatorWithPadding"/>, selects each non-special, non-pad token with probability
/// <see cref="MlmProbability"/>, and of the selected tokens replaces 80% by <c>[MASK]</c>, 10% by a random vocabulary
/// token and leaves 10% unchanged. Labels are the original ids at selected positions and −100 elsewhere.
/// </summary>
/// <remarks>
/// Examples' own labels are ignored (the hidden tokens are the targets), so an unlabelled
/// <see cref="TextClassificationDataset"/> of token-id sequences is the training set.
/// Randomness: with a <c>seed</c> the collator owns a torch generator, so a fresh collator with the same seed masks
/// the same batches the same way. Without one it draws from torch's global generator, as HF does; the
/// <see cref="Training.Trainer"/> seeds that with <c>TrainingArguments.Seed</c> and restores it on resume.
/// </remarks>
public sealed class DataCollatorForLanguageModeling : IDataCollator, IDisposable
{
    /// <summary>The label value the loss ignores (PyTorch's <c>ignore_index</c>).</summary>
    public const long IgnoreIndex = -100;

    private readonly DataCollatorWithPadding _padding;
    private readonly HashSet<int> _specialIds;
    private readonly torch.Generator? _generator;

    /// <summary>Creates the collator from the tokenizer's special ids, <c>[MASK]</c> id, pad id and vocabulary size.</summary>
    /// <param name="tokenizer">The tokenizer the examples were encoded with.</param>
    /// <param name="mlmProbability">Probability that a non-special token is selected for prediction (HF default 0.15).</param>
    /// <param name="padToMultipleOf">Optional multiple the padded length is rounded up to.</param>
    /// <param name="seed">Seed of the collator's own generator; null draws from torch's global generator.</param>
    public DataCollatorForLanguageModeling(DistilBertTokenizer tokenizer, double mlmProbability = 0.15, int? padToMultipleOf = null, long? seed = null)
        : this(tokenizer?.VocabSize ?? throw new ArgumentNullException(nameof(tokenizer)), tokenizer.MaskTokenId, tokenizer.PadTokenId,
            tokenizer.AllSpecialIds, mlmProbability, padToMultipleOf, seed)
    {
    }

    /// <summary>Creates the collator from raw ids (for vocabularies without a <see cref="DistilBertTokenizer"/>).</summary>
    /// <param name="vocabSize">Random replacement tokens are drawn uniformly from 0 … vocabSize − 1 (HF: <c>len(tokenizer)</c>).</param>
    /// <param name="maskTokenId">Id of <c>[MASK]</c>.</param>
    /// <param name="padTokenId">Id written into padded positions; never selected.</param>
    /// <param name="specialTokenIds">Ids never selected (HF: <c>all_special_ids</c>: [CLS], [SEP], [PAD], [MASK], [UNK]).</param>
    /// <param name="mlmProbability">Probability that a non-special token is selected (0, 1].</param>
    /// <param name="padToMultipleOf">Optional multiple the padded length is rounded up to.</param>
    /// <param name="seed">Seed of the collator's own generator; null draws from torch's global generator.</param>
    public DataCollatorForLanguageModeling(int vocabSize, int maskTokenId, int padTokenId, IEnumerable<int> specialTokenIds,
        double mlmProbability = 0.15, int? padToMultipleOf = null, long? seed = null)
    {
        ArgumentNullException.ThrowIfNull(specialTokenIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        if (maskTokenId < 0 || maskTokenId >= vocabSize)
            throw new ArgumentOutOfRangeException(nameof(maskTokenId), maskTokenId, $"The [MASK] id must be inside the vocabulary (size {vocabSize}).");
        if (!(mlmProbability > 0 && mlmProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(mlmProbability), mlmProbability, "mlm_probability must be in (0, 1].");
        _padding = new DataCollatorWithPadding(padTokenId, padToMultipleOf);
        _specialIds = [.. specialTokenIds, padTokenId, maskTokenId];
        VocabSize = vocabSize;
        MaskTokenId = maskTokenId;
        MlmProbability = mlmProbability;
        TorchRuntime.EnsureLoaded();
        if (seed is long s) _generator = new torch.Generator(unchecked((ulong)s));
    }

    /// <summary>Probability that a non-special token is selected for prediction.</summary>
    public double MlmProbability { get; }

    /// <summary>Id that replaces 80% of the selected tokens.</summary>
    public int MaskTokenId { get; }

    /// <summary>Size of the vocabulary random replacements are drawn from.</summary>
    public int VocabSize { get; }

    /// <summary>Ids that are never selected (special tokens, pad and mask).</summary>
    public IReadOnlySet<int> SpecialTokenIds => _specialIds;

    /// <summary>Pads the examples and masks them: <c>input_ids</c> (masked), <c>attention_mask</c>, <c>labels</c> [batch, seq].</summary>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    public ModelInputs Collate(IReadOnlyList<TextClassificationExample> examples) => CollateIds(examples);

    /// <summary>Any example kind: only its token ids are used (the hidden tokens are the targets).</summary>
    ModelInputs IModelDataCollator.Collate(IReadOnlyList<ModelExample> examples) => CollateIds(examples);

    private ModelInputs CollateIds(IReadOnlyList<ModelExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("Cannot collate an empty batch.", nameof(examples));
        int batch = examples.Count;
        int seq = _padding.PaddedLength(examples.Max(e => e.InputIds.Length));
        int n = batch * seq;
        long[] ids = new long[n];
        long[] mask = new long[n];
        long[] labels = new long[n];
        Array.Fill(ids, _padding.PadTokenId);
        Array.Fill(labels, IgnoreIndex);

        // One native draw per batch: four uniforms per position, in HF's order of decisions (selected? → [MASK]? →
        // random (1/2 of the rest)? → which token). Decisions are made in managed code, one pass over the batch.
        double[] u;
        using (var scope = torch.NewDisposeScope())
        {
            var draws = torch.rand(new long[] { 4, n }, torch.float64, generator: _generator);
            u = draws.data<double>().ToArray();
        }
        for (int b = 0; b < batch; b++)
        {
            int[] row = examples[b].InputIds;
            for (int t = 0; t < row.Length; t++)
            {
                int i = b * seq + t;
                int id = row[t];
                ids[i] = id;
                mask[i] = 1;
                if (_specialIds.Contains(id) || u[i] >= MlmProbability) continue;
                labels[i] = id;
                if (u[n + i] < 0.8) ids[i] = MaskTokenId;
                else if (u[2 * n + i] < 0.5) ids[i] = Math.Min(VocabSize - 1, (int)(u[3 * n + i] * VocabSize));
                // else: the token stays as it is, but is still predicted.
            }
        }
        var shape = new long[] { batch, seq };
        return new ModelInputs(torch.tensor(ids, shape, torch.int64), torch.tensor(mask, shape, torch.int64),
            Labels: torch.tensor(labels, shape, torch.int64));
    }

    /// <inheritdoc />
    public void Dispose() => _generator?.Dispose();
}
