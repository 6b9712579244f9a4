namespace DistilBert.Sharp.Data;

/// <summary>One labelled example of a text-classification data set.</summary>
/// <param name="Text">The text, as read (no normalisation: the tokenizer does that).</param>
/// <param name="Label">The label id (index into the label names, e.g. 0 = neg, 1 = pos for IMDb).</param>
/// <param name="Id">A stable identifier, e.g. <c>pos/0_9.txt</c> for a file of a folder data set; null when none.</param>
/// <param name="Source">Where the text came from, e.g. the file's full path; null for in-memory data.</param>
public sealed record LabeledText(string Text, int Label, string? Id = null, string? Source = null);
