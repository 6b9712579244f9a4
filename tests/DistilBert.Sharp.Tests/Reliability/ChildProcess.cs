using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace DistilBert.Sharp.Tests.Reliability;

/// <summary>
/// Runs <c>dotnet DistilBert.Sharp.FaultInjection.Child.dll ...</c> (copied beside the tests by the project
/// reference), streams its marker lines and can kill it with SIGKILL (<see cref="Process.Kill()"/> on Unix).
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly StringBuilder _stderr = new();

    public ChildProcess(params string[] args)
    {
        _process = new Process { StartInfo = StartInfo(args) };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) _lines.CompleteAdding();
            else _lines.Add(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data);
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>How to start the child with <paramref name="args"/>, output redirected; callers may add environment variables.</summary>
    public static ProcessStartInfo StartInfo(params string[] args)
    {
        // DOTNET_HOST_PATH is the dotnet that runs the tests (set by the SDK); plain "dotnet" elsewhere.
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "DistilBert.Sharp.FaultInjection.Child.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>Every line the child printed so far (in order), including those consumed by <see cref="WaitFor"/>.</summary>
    public List<string> Seen { get; } = [];

    public string StandardError
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>Waits for the <paramref name="nth"/> line starting with <paramref name="prefix"/>; false when the output ends first.</summary>
    public bool WaitFor(string prefix, int nth = 1, int timeoutMs = 120_000)
    {
        int found = 0;
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (DateTime.UtcNow < deadline)
        {
            if (!_lines.TryTake(out var line, 100))
            {
                if (_lines.IsCompleted) return false;
                continue;
            }
            Seen.Add(line);
            if (line.StartsWith(prefix, StringComparison.Ordinal) && ++found == nth) return true;
        }
        throw new TimeoutException($"The child printed no '{prefix}' #{nth} within {timeoutMs} ms; stderr: {StandardError}");
    }

    /// <summary>SIGKILL; returns false when the child had already exited on its own.</summary>
    public bool Kill()
    {
        if (_process.HasExited) return false;
        try
        {
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            return false; // exited between the check and the kill
        }
        _process.WaitForExit();
        return true;
    }

    /// <summary>Waits for a normal exit and returns the exit code (the process is killed after the timeout).</summary>
    public int WaitForExit(int timeoutMs = 300_000)
    {
        if (!_process.WaitForExit(timeoutMs))
        {
            Kill();
            throw new TimeoutException($"The child did not exit within {timeoutMs} ms; stderr: {StandardError}");
        }
        _process.WaitForExit(); // drains the redirected streams
        while (_lines.TryTake(out var line)) Seen.Add(line);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        Kill();
        _process.WaitForExit();
        _process.Dispose();
        _lines.Dispose();
    }
}
