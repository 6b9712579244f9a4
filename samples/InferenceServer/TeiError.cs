using DistilBert.Sharp.Inference.Batching;

namespace InferenceServer;

/// <summary>
/// An error answer: RFC 9457 problem details (<c>application/problem+json</c>) that also carry TEI's
/// <c>{"error": ..., "error_type": ...}</c> members, so both kinds of client read it. Never a stack trace or a path.
/// </summary>
internal sealed class TeiError(int status, string errorType, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string ErrorType { get; } = errorType;

    public static TeiError Empty(string message) => new(StatusCodes.Status400BadRequest, "empty", message);
    public static TeiError Validation(string message) => new(StatusCodes.Status422UnprocessableEntity, "validation", message);

    public IResult ToResult() => Problem(Status, ErrorType, Message);

    public static IResult Problem(int status, string errorType, string message) =>
        Results.Problem(detail: message, statusCode: status,
            extensions: new Dictionary<string, object?> { ["error"] = message, ["error_type"] = errorType });

    /// <summary>Maps what the services throw to TEI's status codes; null for anything else (a real 500).</summary>
    public static IResult? FromException(Exception error) => error switch
    {
        TeiError tei => tei.ToResult(),
        InferenceOverloadedException => Problem(StatusCodes.Status429TooManyRequests, "overloaded", "Model is overloaded"),
        ObjectDisposedException => Problem(StatusCodes.Status503ServiceUnavailable, "unhealthy", "The server is shutting down"),
        BadHttpRequestException bad => Problem(bad.StatusCode, "validation",
            bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is larger than the server accepts" : "Bad request"),
        _ => null,
    };
}
