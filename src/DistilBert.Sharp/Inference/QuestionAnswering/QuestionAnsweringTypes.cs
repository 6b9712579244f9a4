using TorchSharp;

namespace DistilBert.Sharp.Inference;

/// <summary>One answer of <see cref="QuestionAnsweringPipeline"/> (HF's <c>{score, start, end, answer}</c>).</summary>
/// <param name="Score">Probability of the span: softmax(start) × softmax(end) over the window's context tokens.</param>
/// <param name="Start">First UTF-16 char of the answer in the context (0 for "no answer").</param>
/// <param name="End">One past its last char (0 for "no answer").</param>
/// <param name="Answer">The context slice; "" for "no answer" (only with <see cref="QuestionAnsweringPipelineOptions.HandleImpossibleAnswer"/>).</param>
public sealed record QuestionAnsweringResult(double Score, int Start, int End, string Answer);

/// <summary>Options of <see cref="QuestionAnsweringPipeline"/>, with HF's names and defaults.</summary>
public sealed record QuestionAnsweringPipelineOptions
{
    /// <summary>Answers returned per question, best first (HF <c>top_k</c>, 1).</summary>
    public int TopK { get; init; } = 1;

    /// <summary>Longest answer in tokens (HF <c>max_answer_len</c>, 15).</summary>
    public int MaxAnswerLength { get; init; } = 15;

    /// <summary>Tokens per window (HF <c>max_seq_len</c>); default min(384, the tokenizer's maximum).</summary>
    public int? MaxSeqLength { get; init; }

    /// <summary>Context tokens shared by consecutive windows (HF <c>doc_stride</c>); default min(MaxSeqLength / 2, 128).</summary>
    public int? DocStride { get; init; }

    /// <summary>Also consider "no answer" (HF <c>handle_impossible_answer</c>), scored by the [CLS] start × end probability.</summary>
    public bool HandleImpossibleAnswer { get; init; }

    /// <summary>Windows per forward pass (default 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Device of the model; default: the device of the model's first parameter.</summary>
    public torch.Device? Device { get; init; }
}
