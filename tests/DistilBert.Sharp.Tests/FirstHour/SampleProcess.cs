using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace DistilBert.Sharp.Tests.FirstHour;

/// <summary>Runs the built sample (<c>dotnet ImdbFineTune.dll</c>) as a child process, as a user's shell would.</summary>
internal sealed class SampleProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SampleProcess(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment.Remove("DISTILBERT_SHARP_LAUNCHER");
        start.Environment.Remove("DISTILBERT_SHARP_CALLER_CWD");
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts the sample with <paramref name="args"/>.</summary>
    public static SampleProcess Start(IEnumerable<string> args, string workingDirectory)
    {
        // A test host started as a background job of a non-interactive shell (a CI script run with `&`, nohup) has
        // SIGINT ignored (POSIX), and a child inherits that, so the sample would never see the Ctrl-C this test sends.
        // A user's terminal never starts it that way: perl (always on Debian) restores the default disposition, then
        // execs dotnet in the same process (same pid).
        bool perl = File.Exists("/usr/bin/perl");
        var start = new ProcessStartInfo(perl ? "/usr/bin/perl" : "dotnet") { WorkingDirectory = workingDirectory };
        if (perl)
        {
            start.ArgumentList.Add("-e");
            start.ArgumentList.Add("$SIG{INT} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die \"exec dotnet: $!\";");
            start.ArgumentList.Add("dotnet");
        }
        start.ArgumentList.Add(SampleDll);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        return new SampleProcess(start);
    }

    /// <summary>Runs a shell command line (e.g. the resume command the sample printed) exactly as printed.</summary>
    public static SampleProcess Shell(string commandLine, string workingDirectory)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = workingDirectory };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(commandLine);
        return new SampleProcess(start);
    }

    /// <summary>stdout and stderr so far, interleaved.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Sends SIGINT, what Ctrl-C in a terminal sends.</summary>
    public void Interrupt()
    {
        if (kill(_process.Id, 2) != 0) throw new InvalidOperationException($"kill -INT {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The sample did not exit within {timeout}. Output so far:\n{Output}");
        }
        _process.WaitForExit(); // flushes the redirected streams
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    /// <summary>The sample's build output (built with the tests, which reference it).</summary>
    private static string SampleDll
    {
        get
        {
            string beside = Path.Combine(AppContext.BaseDirectory, "ImdbFineTune.dll");
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, "DistilBert.Sharp.sln"))) continue;
                string tfm = new DirectoryInfo(AppContext.BaseDirectory).Name, config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
                string own = Path.Combine(dir.FullName, "samples", "ImdbFineTune", "bin", config, tfm, "ImdbFineTune.dll");
                return File.Exists(own) ? own : beside;
            }
            return beside;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
