namespace ImdbFineTune;

/// <summary>The sample's exit codes (also listed in <c>--help</c> and the README).</summary>
internal static class ExitCodes
{
    /// <summary>The run finished.</summary>
    public const int Success = 0;

    /// <summary>A problem the user can fix (a wrong path, a corrupt file, no network, a folder that already holds a run): one line says which.</summary>
    public const int UserError = 1;

    /// <summary>
    /// Stopped by Ctrl-C (SIGINT) or SIGTERM after finishing or dropping the current step; the last checkpoint and the
    /// command that resumes from it were printed. Distinct from 130, which a shell reports when a second Ctrl-C kills the process.
    /// </summary>
    public const int Interrupted = 3;

    /// <summary>Text for the root command's description.</summary>
    public const string Help = "Exit codes: 0 done; 1 an error you can fix (the message says which); 3 stopped by Ctrl-C, resumable with the printed --resume command.";
}
