using System.Text;

namespace DistilBert.Sharp.Data;

/// <summary>
/// Reads a "folder per label" text-classification split, the layout of aclImdb (<c>train/neg/*.txt</c>,
/// <c>train/pos/*.txt</c>): every file is one example whose label is its folder's index in the label list.
/// </summary>
public static class LabeledTextFolder
{
    // Strict UTF-8: a file in another encoding fails loudly (naming the file) instead of turning into mojibake.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Loads every file of <c>&lt;splitDirectory&gt;/&lt;labelNames[i]&gt;/</c> with label <c>i</c>, in a deterministic
    /// order: by file name (ordinal), then by label. Texts are decoded as UTF-8 (a byte-order mark is dropped).
    /// </summary>
    /// <param name="splitDirectory">The split folder, e.g. <c>aclImdb/train</c>.</param>
    /// <param name="labelNames">Sub-folder names, in label-id order, e.g. <c>["neg", "pos"]</c>.</param>
    /// <param name="cancellationToken">Stops between files.</param>
    /// <exception cref="DirectoryNotFoundException">The split folder or a label folder is missing (the message names it).</exception>
    /// <exception cref="InvalidDataException">A file is not valid UTF-8 (the message names it).</exception>
    public static IReadOnlyList<LabeledText> Load(string splitDirectory, IReadOnlyList<string> labelNames,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(splitDirectory);
        ArgumentNullException.ThrowIfNull(labelNames);
        if (labelNames.Count == 0) throw new ArgumentException("At least one label name is needed.", nameof(labelNames));
        if (labelNames.Distinct(StringComparer.Ordinal).Count() != labelNames.Count)
            throw new ArgumentException($"Label names must be distinct: {string.Join(", ", labelNames)}.", nameof(labelNames));
        if (!Directory.Exists(splitDirectory))
            throw new DirectoryNotFoundException($"The data folder '{splitDirectory}' does not exist.");

        var files = new List<(string Name, int Label, string Path)>();
        for (int label = 0; label < labelNames.Count; label++)
        {
            string folder = Path.Combine(splitDirectory, labelNames[label]);
            if (!Directory.Exists(folder))
                throw new DirectoryNotFoundException(
                    $"The label folder '{folder}' for label {label} ('{labelNames[label]}') does not exist; expected one sub-folder per label " +
                    $"({string.Join(", ", labelNames)}) in '{splitDirectory}'.");
            foreach (string path in Directory.EnumerateFiles(folder))
                files.Add((Path.GetFileName(path), label, path));
        }
        files.Sort((a, b) =>
        {
            int byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : a.Label.CompareTo(b.Label);
        });

        var examples = new LabeledText[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (name, label, path) = files[i];
            string text;
            try
            {
                text = File.ReadAllText(path, StrictUtf8);
            }
            catch (DecoderFallbackException ex)
            {
                throw new InvalidDataException($"'{path}' is not valid UTF-8 text ({ex.Message}).", ex);
            }
            examples[i] = new LabeledText(text, label, labelNames[label] + "/" + name, path);
        }
        return examples;
    }
}
