namespace DistilBert.Sharp.Runtime;

/// <summary>
/// Switch for the small-batch latency paths (no attention mask when nothing is padded, one-pass input validation).
/// Always on in the library; the <c>latency</c> benchmark turns it off call by call to measure the previous path
/// under the same machine load. Results are identical within fp32 rounding either way (the fixture tests run both).
/// </summary>
internal static class InferenceFastPath
{
    private static volatile bool _enabled = true;

    /// <summary>Whether the fast paths run (default true).</summary>
    public static bool Enabled
    {
        get => _enabled;
        set => _enabled = value;
    }
}
