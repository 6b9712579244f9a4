namespace DistilBert.Sharp.Data;

/// <summary>
/// Decides the order in which a dataset's examples are visited in one epoch (PyTorch's <c>Sampler</c>).
/// </summary>
/// <remarks>
/// Orders are a pure function of the epoch number (and the sampler's seed), never of hidden mutable state: that is
/// what makes a resumed run visit exactly the batches the interrupted run would have visited.
/// </remarks>
public interface ISampler
{
    /// <summary>Number of indices per epoch.</summary>
    int Count { get; }

    /// <summary>The example indices for epoch <paramref name="epoch"/> (0-based), in visiting order.</summary>
    int[] Order(int epoch);
}
