using System.CommandLine;
using DistilBert.Sharp.Runtime;
using Spectre.Console;

namespace ImdbFineTune;

/// <summary>
/// The IMDb fine-tuning sample's command line: the seed notebook (HF DistilBertTokenizerFast +
/// DistilBertForSequenceClassification + Trainer on aclImdb) re-created in C#. This class only parses options;
/// <see cref="FineTuneJob"/> does the work.
/// </summary>
internal static class SampleCli
{
    /// <summary>Parses and runs; <paramref name="cancellationToken"/> is what Ctrl-C cancels (see <see cref="StopOnSignal"/>).</summary>
    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default) =>
        // ProcessTerminationTimeout = null: no System.CommandLine signal handler; StopOnSignal cancels the token instead.
        Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, cancellationToken);

    public static RootCommand Build()
    {
        var fineTune = new FineTuneOptionSet("imdb");
        var root = new RootCommand("Fine-tunes DistilBERT on the IMDb movie-review sentiment dataset (or your own CSV/JSON Lines "
            + "data: --train-file) and reports test accuracy. " + ExitCodes.Help);
        fineTune.AddTo(root);
        root.SetAction((ParseResult parsed, CancellationToken cancellationToken) => RunGuardedAsync(async () =>
        {
            PrepareRuntime();
            await new FineTuneJob(fineTune.Bind(parsed)).RunAsync(cancellationToken);
        }));

        root.Subcommands.Add(PretrainCommand.Create());
        root.Subcommands.Add(DistilCommand.Create());
        return root;
    }

    /// <summary>
    /// Applies the CPU allocator settings (before libtorch's first allocation, which is when it reads them: a
    /// process-wide choice, so the application makes it, not the library), then loads libtorch, turning a missing
    /// native prerequisite into one clear line.
    /// </summary>
    public static void PrepareRuntime()
    {
        CpuTuning.UseThroughputAllocator();
        TorchRuntime.EnsureLoaded();
    }

    /// <summary>
    /// Runs a command's work and maps the outcome to an exit code (<see cref="ExitCodes"/>): 0 done, 3 interrupted by
    /// Ctrl-C, 1 for a failure the user can fix (a wrong path, a corrupt file: one clear line, no stack trace). Anything
    /// else is a bug and keeps its trace.
    /// </summary>
    public static async Task<int> RunGuardedAsync(Func<Task> work)
    {
        try
        {
            await work();
            return ExitCodes.Success;
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine($"[yellow]Cancelled (exit code {ExitCodes.Interrupted}).[/]");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (UserFacingError.IsExpected(ex))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {UserFacingError.Describe(ex)}");
            return ExitCodes.UserError;
        }
    }
}
