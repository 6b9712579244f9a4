using DistilBert.Sharp.Data;
using DistilBert.Sharp.Tokenization;

namespace ImdbFineTune;

/// <summary>The seed notebook's data handling: a seeded 80/20 train/valid split of aclImdb's train folder, optional caps.</summary>
internal static class ImdbSplits
{
    /// <summary>Shuffles <paramref name="train"/> with <paramref name="seed"/>, keeps 80% for training and 20% for validation, then applies the caps.</summary>
    public static (IReadOnlyList<LabeledText> Train, IReadOnlyList<LabeledText> Valid) TrainValid(IReadOnlyList<LabeledText> train,
        int seed, int? maxTrain, int? maxValid)
    {
        var shuffled = Shuffle(train, seed);
        int trainCount = (int)Math.Round(shuffled.Length * 0.8);
        var trainPart = shuffled[..trainCount];
        var validPart = shuffled[trainCount..];
        return (Cap(trainPart, maxTrain), Cap(validPart, maxValid));
    }

    /// <summary>All of <paramref name="split"/>, or a seeded random subset of <paramref name="max"/> reviews.</summary>
    public static IReadOnlyList<LabeledText> Subset(IReadOnlyList<LabeledText> split, int seed, int? max) =>
        max is int m && m < split.Count ? Shuffle(split, seed + 1)[..m] : split;

    public static TruncationSide ParseTruncation(string name) => name switch
    {
        "head" => TruncationSide.Right,
        "tail" => TruncationSide.Left,
        "head+tail" => TruncationSide.HeadAndTail,
        _ => throw new ArgumentException($"Unknown --truncation '{name}': use head, tail or head+tail."),
    };

    private static LabeledText[] Shuffle(IReadOnlyList<LabeledText> items, int seed)
    {
        var copy = items.ToArray();
        new Random(seed).Shuffle(copy);
        return copy;
    }

    private static IReadOnlyList<LabeledText> Cap(LabeledText[] items, int? max) => max is int m && m < items.Length ? items[..m] : items;
}
