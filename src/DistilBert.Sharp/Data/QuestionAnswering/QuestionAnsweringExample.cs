namespace DistilBert.Sharp.Data;

/// <summary>One gold answer: its text and the index of its first char in the context (SQuAD's <c>answer_start</c>).</summary>
/// <param name="Text">The answer text, exactly as it appears in the context.</param>
/// <param name="Start">UTF-16 index of its first char in the context.</param>
public sealed record AnswerSpan(string Text, int Start);

/// <summary>
/// One extractive question-answering example (a SQuAD row): a question about a context and its gold answers; no
/// answers means the question cannot be answered from the context (SQuAD v2).
/// </summary>
/// <param name="Id">Example id (SQuAD's <c>id</c>), used to key predictions.</param>
/// <param name="Question">The question.</param>
/// <param name="Context">The passage holding the answer.</param>
/// <param name="Answers">Gold answers (training uses the first); empty for unanswerable questions.</param>
public sealed record QuestionAnsweringExample(string Id, string Question, string Context, IReadOnlyList<AnswerSpan> Answers);
