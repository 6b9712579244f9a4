using System.Runtime.InteropServices;

namespace ImdbFineTune;

/// <summary>
/// Turns the first Ctrl-C (SIGINT) or SIGTERM into a cancellation of the token the commands receive, so training
/// finishes or drops its current step and the job says how to resume; a second Ctrl-C ends the process at once (exit
/// 130). System.CommandLine's own handler is switched off (<c>ProcessTerminationTimeout = null</c>): it would end the
/// process 2 seconds after the signal, mid-step, before the job could report anything.
/// </summary>
internal sealed class StopOnSignal : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    public StopOnSignal()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cts.Token;

    private void Handle(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) > 1) return; // second signal: default handling ends the process
        context.Cancel = true;
        Console.Error.WriteLine($"{context.Signal}: stopping after the current step (press Ctrl-C again to quit at once)…");
        _cts.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cts.Dispose();
    }
}
