using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using TorchSharp;

namespace DistilBert.Sharp.Tests.SunEtAl;

/// <summary>HF's masked-LM masking: 15% of non-special tokens, of which 80% [MASK], 10% random, 10% unchanged.</summary>
[Collection(TorchRngCollection.Name)]
public sealed class MlmCollatorTests
{
    private const int Pad = 0, Unk = 1, Cls = 2, Sep = 3, Mask = 4, Vocab = 1000;

    /// <summary>Examples [CLS] content… [SEP] of varied lengths; content ids are 5 … 999 with some [UNK]s.</summary>
    private static TextClassificationExample[] Corpus(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int len = rng.Next(20, 120);
            int[] ids = new int[len + 2];
            ids[0] = Cls;
            ids[^1] = Sep;
            for (int t = 1; t <= len; t++) ids[t] = rng.Next(50) == 0 ? Unk : rng.Next(5, Vocab);
            return new TextClassificationExample(ids);
        }).ToArray();
    }

    private static (long[] Ids, long[] Labels, long[] Mask, int Seq) Run(DataCollatorForLanguageModeling collator, TextClassificationExample[] batch)
    {
        using var scope = torch.NewDisposeScope();
        ModelInputs inputs = collator.Collate(batch);
        return (inputs.InputIds.data<long>().ToArray(), inputs.Labels!.data<long>().ToArray(),
            inputs.AttentionMask!.data<long>().ToArray(), (int)inputs.InputIds.shape[1]);
    }

    [Fact]
    public void Masking_proportions_over_100k_tokens_are_15_80_10_10_and_specials_pads_are_never_touched()
    {
        using var collator = new DataCollatorForLanguageModeling(Vocab, Mask, Pad, [Pad, Unk, Cls, Sep, Mask], seed: 1234);
        var corpus = Corpus(2000, seed: 5);
        long content = 0, selected = 0, toMask = 0, unchanged = 0, random = 0, specialOrPad = 0;
        foreach (var batch in corpus.Chunk(32))
        {
            var (ids, labels, mask, seq) = Run(collator, batch);
            for (int b = 0; b < batch.Length; b++)
            {
                for (int t = 0; t < seq; t++)
                {
                    int i = b * seq + t;
                    int original = t < batch[b].InputIds.Length ? batch[b].InputIds[t] : Pad;
                    Assert.Equal(t < batch[b].InputIds.Length ? 1 : 0, mask[i]);
                    if (original is Pad or Unk or Cls or Sep or Mask)
                    {
                        specialOrPad++;
                        Assert.Equal(-100, labels[i]);
                        Assert.Equal(original, ids[i]);
                        continue;
                    }
                    content++;
                    if (labels[i] == -100)
                    {
                        Assert.Equal(original, ids[i]); // unselected tokens are never changed
                        continue;
                    }
                    Assert.Equal(original, labels[i]); // the label is exactly the original id
                    selected++;
                    if (ids[i] == Mask) toMask++;
                    else if (ids[i] == original) unchanged++;
                    else random++;
                }
            }
        }
        Assert.True(content > 100_000, $"only {content} content tokens");
        Assert.True(specialOrPad > 4000, $"only {specialOrPad} special/pad positions were checked");
        // A random replacement hits [MASK] or the original id with probability 1/1000 each: far below the 1% tolerance.
        Assert.InRange((double)selected / content, 0.14, 0.16);
        Assert.InRange((double)toMask / selected, 0.79, 0.81);
        Assert.InRange((double)random / selected, 0.09, 0.11);
        Assert.InRange((double)unchanged / selected, 0.09, 0.11);
    }

    [Fact]
    public void Same_seed_masks_identically_and_another_seed_differently()
    {
        var batch = Corpus(16, seed: 9);
        long[] With(long seed)
        {
            using var c = new DataCollatorForLanguageModeling(Vocab, Mask, Pad, [Pad, Unk, Cls, Sep, Mask], seed: seed);
            return Run(c, batch).Ids.Concat(Run(c, batch).Ids).ToArray(); // two draws: the generator advances
        }
        Assert.Equal(With(7), With(7));
        Assert.NotEqual(With(7), With(8));
        var twoDraws = With(7);
        Assert.NotEqual(twoDraws.Take(twoDraws.Length / 2), twoDraws.Skip(twoDraws.Length / 2));
    }

    [Fact]
    public void Without_a_seed_the_global_torch_generator_makes_it_reproducible_under_manual_seed()
    {
        var batch = Corpus(16, seed: 10);
        using var c = new DataCollatorForLanguageModeling(Vocab, Mask, Pad, [Pad, Unk, Cls, Sep, Mask]);
        torch.manual_seed(3);
        var first = Run(c, batch).Labels;
        torch.manual_seed(3);
        Assert.Equal(first, Run(c, batch).Labels);
    }

    [Fact]
    public void Pads_to_multiple_and_rejects_bad_arguments()
    {
        using var c = new DataCollatorForLanguageModeling(Vocab, Mask, Pad, [Pad, Cls, Sep, Mask], padToMultipleOf: 8, seed: 1);
        var (_, labels, mask, seq) = Run(c, [new TextClassificationExample([Cls, 10, 11, Sep])]);
        Assert.Equal(8, seq);
        Assert.Equal([1, 1, 1, 1, 0, 0, 0, 0], mask);
        Assert.All(labels.Skip(4), l => Assert.Equal(-100, l));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataCollatorForLanguageModeling(Vocab, Mask, Pad, [], mlmProbability: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataCollatorForLanguageModeling(Vocab, Vocab, Pad, []));
        Assert.Throws<ArgumentException>(() => c.Collate([]));
    }
}
