namespace DistilBert.Sharp.Weights;

/// <summary>
/// A safetensors file (or checkpoint index) is malformed. The message names the file and the problem, e.g. the tensor
/// whose offsets are out of range.
/// </summary>
public sealed class SafetensorsFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with a description of the problem.</summary>
    /// <param name="filePath">The offending file.</param>
    /// <param name="problem">What is wrong, in words.</param>
    /// <param name="inner">The underlying error, if any (for example the JSON parser's).</param>
    public SafetensorsFormatException(string filePath, string problem, Exception? inner = null)
        : base($"Invalid safetensors file '{filePath}': {problem}", inner)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The offending file.</summary>
    public string FilePath { get; }

    /// <summary>The problem alone, without the file name.</summary>
    public string Problem { get; }
}
