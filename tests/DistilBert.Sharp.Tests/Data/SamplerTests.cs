using DistilBert.Sharp.Data;

namespace DistilBert.Sharp.Tests.Data;

public class SamplerTests
{
    [Fact]
    public void Random_sampler_is_a_permutation_reproducible_per_seed_and_epoch_and_changes_between_epochs()
    {
        var a = new RandomSampler(100, seed: 42);
        var b = new RandomSampler(100, seed: 42);
        Assert.Equal(Enumerable.Range(0, 100), a.Order(0).Order());
        Assert.Equal(a.Order(0), b.Order(0));
        Assert.Equal(a.Order(3), b.Order(3));
        Assert.NotEqual(a.Order(0), a.Order(1));
        Assert.NotEqual(a.Order(0), new RandomSampler(100, seed: 43).Order(0));
        Assert.NotEqual(Enumerable.Range(0, 100), a.Order(0));
    }

    [Fact]
    public void Sequential_sampler_visits_in_order()
    {
        Assert.Equal([0, 1, 2, 3], new SequentialSampler(4).Order(5));
    }

    [Fact]
    public void Length_grouped_sampler_follows_HF_megabatch_scheme()
    {
        var rng = new Random(1);
        int[] lengths = Enumerable.Range(0, 203).Select(_ => rng.Next(1, 500)).ToArray();
        const int batch = 4;
        var sampler = new LengthGroupedSampler(lengths, batch, seed: 7);
        // HF default: mega_batch_mult = min(203 / (4 * 4), 50) = 12 → mega-batches of 48 examples.
        Assert.Equal(48, sampler.MegaBatchSize);
        int[] order = sampler.Order(0);

        Assert.Equal(Enumerable.Range(0, 203), order.Order());
        Assert.Equal(lengths.Max(), lengths[order[0]]); // the longest example comes first
        for (int start = 0; start < order.Length; start += 48)
        {
            var mega = order.Skip(start).Take(48).Select(i => lengths[i]).ToArray();
            // Sorted descending inside each mega-batch, except that the head of one may have been swapped with the
            // global maximum: so check from the second element on, and that the head is >= the rest for the first.
            for (int k = 2; k < mega.Length; k++) Assert.True(mega[k - 1] >= mega[k], $"mega-batch at {start} not sorted at {k}");
        }
        Assert.Equal(order, new LengthGroupedSampler(lengths, batch, seed: 7).Order(0));
        Assert.NotEqual(order, sampler.Order(1));
    }

    [Fact]
    public void Length_grouped_sampler_reduces_padding_versus_random_order()
    {
        var rng = new Random(2);
        int[] lengths = Enumerable.Range(0, 800).Select(_ => rng.Next(5, 300)).ToArray();
        static long Padded(int[] order, int[] lengths, int batch) =>
            order.Chunk(batch).Sum(c => (long)c.Max(i => lengths[i]) * c.Length);
        long grouped = Padded(new LengthGroupedSampler(lengths, 8, 3).Order(0), lengths, 8);
        long random = Padded(new RandomSampler(800, 3).Order(0), lengths, 8);
        Assert.True(grouped < random * 0.8, $"grouped {grouped} vs random {random}");
    }

    [Fact]
    public void Batch_plan_cuts_orders_into_batches_and_optionally_drops_the_last()
    {
        var plan = new BatchPlan(new SequentialSampler(10), 4);
        Assert.Equal(3, plan.BatchesPerEpoch);
        Assert.Equal([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]], plan.Batches(0).ToArray());
        var dropping = new BatchPlan(new SequentialSampler(10), 4, dropLast: true);
        Assert.Equal(2, dropping.BatchesPerEpoch);
        Assert.Equal(2, dropping.Batches(0).Count());
    }
}
