namespace DistilBert.Sharp.Tests.Infrastructure;

/// <summary>
/// Tests that depend on torch's process-wide default generator (dropout, seeding) must not run while other tests
/// consume it on other threads; this collection runs them alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchRngCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "Torch global RNG (not parallel)";
}
