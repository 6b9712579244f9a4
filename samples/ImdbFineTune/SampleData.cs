using DistilBert.Sharp.Data;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace ImdbFineTune;

/// <summary>
/// The three splits and the label names: IMDb (the seed's 80/20 split of aclImdb/train, and aclImdb/test), or the
/// user's own files (<c>--train-file</c>, <c>--validation-file</c>, <c>--test-file</c>, as HF's <c>run_glue.py</c>), so
/// the same job fine-tunes on any labelled text.
/// </summary>
internal sealed record SampleData(IReadOnlyList<LabeledText> Train, IReadOnlyList<LabeledText> Valid, IReadOnlyList<LabeledText> Test,
    IReadOnlyList<string> LabelNames)
{
    /// <summary>IMDb's labels as the sample names them (0 = neg, 1 = pos in aclImdb).</summary>
    public static readonly IReadOnlyList<string> ImdbLabels = ["NEGATIVE", "POSITIVE"];

    public static async Task<SampleData> LoadAsync(SampleOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (options.TrainFile is null)
        {
            if (options.ValidationFile is not null || options.TestFile is not null)
                throw new ArgumentException("--validation-file and --test-file go with --train-file (without it the sample uses IMDb).");
            return await LoadImdbAsync(options, loggerFactory, cancellationToken);
        }
        var columns = new LabeledTextFileOptions { TextColumn = options.TextColumn, LabelColumn = options.LabelColumn };
        var train = LabeledTextFile.Load(options.TrainFile, columns, cancellationToken);
        var fixedLabels = columns with { LabelNames = train.LabelNames };
        IReadOnlyList<LabeledText> trainPart, validPart;
        if (options.ValidationFile is null)
        {
            (trainPart, validPart) = ImdbSplits.TrainValid(train.Examples, options.Seed, options.MaxTrainSamples, options.MaxEvalSamples);
        }
        else
        {
            trainPart = ImdbSplits.Subset(train.Examples, options.Seed, options.MaxTrainSamples);
            validPart = ImdbSplits.Subset(LabeledTextFile.Load(options.ValidationFile, fixedLabels, cancellationToken).Examples, options.Seed, options.MaxEvalSamples);
        }
        IReadOnlyList<LabeledText> test = validPart;
        if (options.TestFile is not null)
            test = ImdbSplits.Subset(LabeledTextFile.Load(options.TestFile, fixedLabels, cancellationToken).Examples, options.Seed, options.MaxTestSamples);
        else
            AnsiConsole.MarkupLine("[yellow]No --test-file: the validation split is reported as test too.[/]");
        AnsiConsole.MarkupLineInterpolated($"Labels ({train.LabelNames.Count}): {string.Join(", ", train.LabelNames)}.");
        return new SampleData(trainPart, validPart, test, train.LabelNames);
    }

    private static async Task<SampleData> LoadImdbAsync(SampleOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        // An aclImdb folder, the archive, or a download into the cache.
        string imdb = await ConsoleProgress.RunAsync("Preparing IMDb", (task, ct) =>
            ImdbDataset.EnsureAsync(options.Data, Path.Combine(options.CacheDir, "imdb"),
                new Progress<ImdbPreparationProgress>(p => ConsoleProgress.Update(task, p)), loggerFactory.CreateLogger("Imdb"), ct),
            cancellationToken);
        var (train, valid) = ImdbSplits.TrainValid(ImdbDataset.LoadSplit(imdb, "train", cancellationToken), options.Seed,
            options.MaxTrainSamples, options.MaxEvalSamples);
        var test = ImdbSplits.Subset(ImdbDataset.LoadSplit(imdb, "test", cancellationToken), options.Seed, options.MaxTestSamples);
        return new SampleData(train, valid, test, ImdbLabels);
    }
}
