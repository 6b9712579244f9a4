namespace DistilBert.Sharp.Data;

/// <summary>
/// One sentence for token classification: its words and one tag per word (a row of a CoNLL file, HF datasets'
/// <c>tokens</c> + <c>ner_tags</c>).
/// </summary>
/// <param name="Words">The words, in order.</param>
/// <param name="Labels">One tag per word (e.g. IOB2: <c>B-PER</c>, <c>I-PER</c>, <c>O</c>); null for unlabelled text.</param>
public sealed record LabeledWords(IReadOnlyList<string> Words, IReadOnlyList<string>? Labels);
