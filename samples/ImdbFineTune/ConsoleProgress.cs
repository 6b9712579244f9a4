using DistilBert.Sharp.Data;
using DistilBert.Sharp.Tokenization;
using DistilBert.Sharp.Training;
using Spectre.Console;

namespace ImdbFineTune;

/// <summary>Progress bars with ETA for the sample's long steps (the library reports progress; the app draws it).</summary>
internal static class ConsoleProgress
{
    private static Progress NewDisplay() => AnsiConsole.Progress()
        .AutoClear(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                 new RemainingTimeColumn(), new SpinnerColumn());

    /// <summary>Runs async work with one progress bar that the work updates.</summary>
    public static Task<T> RunAsync<T>(string title, Func<ProgressTask, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        NewDisplay().StartAsync(async ctx => await work(ctx.AddTask(title), cancellationToken));

    /// <summary>Maps IMDb preparation progress (download bytes, then extraction bytes) onto a bar.</summary>
    public static void Update(ProgressTask task, ImdbPreparationProgress progress)
    {
        task.Description = progress.Stage == ImdbPreparationStage.Downloading
            ? "Downloading IMDb"
            : $"Extracting IMDb ({progress.FilesExtracted:N0} files)";
        if (progress.BytesTotal is long total && total > 0)
        {
            task.MaxValue = total;
            task.Value = progress.BytesDone;
        }
        else
        {
            task.IsIndeterminate = true;
        }
    }

    /// <summary>Tokenizes labelled reviews (each chunk on all cores) with a progress bar.</summary>
    public static TextClassificationDataset Tokenize(string title, DistilBertTokenizer tokenizer, IReadOnlyList<LabeledText> items,
        EncodeOptions options, CancellationToken cancellationToken) =>
        NewDisplay().Start(ctx =>
        {
            var task = ctx.AddTask(title, maxValue: Math.Max(1, items.Count));
            var dataset = TextClassificationDataset.FromLabeledTexts(items, tokenizer, options,
                new SynchronousProgress<int>(done => task.Value = done), cancellationToken);
            task.Value = task.MaxValue;
            return dataset;
        });

    /// <summary>Runs training under a step progress bar; the bar's description shows the latest loss and accuracy.</summary>
    public static T Train<T>(Func<IProgress<TrainingProgress>, T> run, Action<TrainingProgress>? observe = null) =>
        NewDisplay().Start(ctx =>
        {
            var task = ctx.AddTask("Training");
            string latest = "";
            return run(new SynchronousProgress<TrainingProgress>(p =>
            {
                observe?.Invoke(p);
                task.MaxValue = Math.Max(1, p.MaxSteps);
                task.Value = p.GlobalStep;
                if (p.LatestLog is { } log)
                {
                    if (log.TryGetValue("loss", out double loss)) latest = $"loss {loss:F4}";
                    if (log.TryGetValue("eval_accuracy", out double acc)) latest += $", valid acc {acc:P2}";
                }
                task.Description = $"Training epoch {p.Epoch:F2} {latest}";
            }));
        });

    /// <summary>Runs a step without known length under a spinner.</summary>
    public static T Spin<T>(string title, Func<T> work) => AnsiConsole.Status().Start(title, _ => work());

    /// <summary>Calls back on the reporting thread (System.Progress posts to the thread pool, which would reorder reports).</summary>
    private sealed class SynchronousProgress<TValue>(Action<TValue> report) : IProgress<TValue>
    {
        public void Report(TValue value) => report(value);
    }
}
