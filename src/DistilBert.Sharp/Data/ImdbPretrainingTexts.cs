namespace DistilBert.Sharp.Data;

/// <summary>
/// In-domain text for masked-LM further pre-training on IMDb (Sun et al., 2019): the 25,000 labelled training reviews
/// and, optionally, the 50,000 unlabelled <c>train/unsup</c> reviews. Test reviews are never included.
/// </summary>
public static class ImdbPretrainingTexts
{
    /// <summary>Loads <c>train/neg</c>, <c>train/pos</c> and (optionally) <c>train/unsup</c>, in a deterministic order.</summary>
    /// <param name="aclImdbDirectory">The <c>aclImdb</c> folder.</param>
    /// <param name="includeUnsupervised">Add the unlabelled reviews; they exist only in an extraction made with
    /// <see cref="ImdbOptions.IncludeUnsupervisedAndExtras"/> set.</param>
    /// <param name="cancellationToken">Stops between files.</param>
    /// <returns>The reviews; their labels are meaningless for pre-training (0 = neg, 1 = pos, 2 = unsup).</returns>
    /// <exception cref="DirectoryNotFoundException">A folder is missing; for <c>unsup</c> the message says how to extract it.</exception>
    public static IReadOnlyList<LabeledText> Load(string aclImdbDirectory, bool includeUnsupervised = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(aclImdbDirectory);
        string train = Path.Combine(aclImdbDirectory, "train");
        if (includeUnsupervised && !Directory.Exists(Path.Combine(train, "unsup")))
            throw new DirectoryNotFoundException(
                $"'{Path.Combine(train, "unsup")}' does not exist: the unlabelled reviews are only extracted with " +
                "ImdbOptions.IncludeUnsupervisedAndExtras = true (ImdbDataset.EnsureAsync).");
        string[] folders = includeUnsupervised ? ["neg", "pos", "unsup"] : ["neg", "pos"];
        return LabeledTextFolder.Load(train, folders, cancellationToken);
    }
}
