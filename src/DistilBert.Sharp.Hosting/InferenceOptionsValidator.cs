using Microsoft.Extensions.Options;

namespace DistilBert.Sharp.Hosting;

/// <summary>Checks hosted-model options at start-up (with <c>ValidateOnStart</c>), so a bad value stops the host with a message naming it.</summary>
internal sealed class InferenceOptionsValidator<TOptions> : IValidateOptions<TOptions> where TOptions : InferenceServiceOptions
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var problems = options.Problems().Select(p => $"{typeof(TOptions).Name}: {p}").ToList();
        // A local-looking path that does not exist is a configuration error, not a Hub id to download.
        if (!string.IsNullOrWhiteSpace(options.ModelPath) && LooksLocal(options.ModelPath) && !Directory.Exists(options.ModelPath))
            problems.Add($"{typeof(TOptions).Name}: ModelPath folder '{options.ModelPath}' does not exist.");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static bool LooksLocal(string path) =>
        Path.IsPathRooted(path) || path.StartsWith('.') || path.Count(c => c == '/' || c == '\\') != 1;
}
