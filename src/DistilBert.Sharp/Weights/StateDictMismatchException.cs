namespace DistilBert.Sharp.Weights;

/// <summary>A checkpoint does not fit a model: a shape differs, or (in strict mode) a key is missing or unexpected.</summary>
public sealed class StateDictMismatchException : Exception
{
    /// <summary>Creates the exception; the message lists every problem.</summary>
    public StateDictMismatchException(string message, IReadOnlyList<string> missingKeys, IReadOnlyList<string> unexpectedKeys,
        IReadOnlyList<string> shapeMismatches)
        : base(message)
    {
        MissingKeys = missingKeys;
        UnexpectedKeys = unexpectedKeys;
        ShapeMismatches = shapeMismatches;
    }

    /// <summary>Model keys the checkpoint lacks.</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>Checkpoint keys the model lacks.</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>One line per key whose shapes differ, naming the key and both shapes.</summary>
    public IReadOnlyList<string> ShapeMismatches { get; }
}
