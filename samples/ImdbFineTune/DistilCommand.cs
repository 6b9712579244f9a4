using System.CommandLine;

namespace ImdbFineTune;

/// <summary>
/// <c>distil</c>: task-specific knowledge distillation (Sanh et al. 2019). A fine-tuned teacher folder (<c>--model</c>)
/// → a shallower student initialised from some of its layers → the student fine-tuned alone and the student distilled
/// from the teacher, on the same IMDb subsets and budget → test accuracy and forward speed of all three.
/// </summary>
internal static class DistilCommand
{
    public static Command Create()
    {
        var layers = new Option<string?>("--student-layers")
        {
            Description = "Teacher layers the student starts from, e.g. 0,2,4. Default: every other layer (DistilBERT's recipe).",
        };
        var temperature = new Option<double>("--temperature") { Description = "Softmax temperature T of the soft targets.", DefaultValueFactory = _ => 2.0 };
        var alpha = new Option<double>("--alpha") { Description = "Weight of the soft-target (KL) term; 1 - alpha goes to the labels.", DefaultValueFactory = _ => 0.5 };
        var cosine = new Option<double>("--cosine-weight") { Description = "Weight of the hidden-state cosine loss (needs --online-teacher).", DefaultValueFactory = _ => 0.0 };
        var online = new Option<bool>("--online-teacher") { Description = "Run the teacher on every batch instead of caching its logits once." };
        // The student rows read the fine-tuning flags (data, budget, batch size, bf16, seed, ...); --model is the teacher folder.
        var fineTune = new FineTuneOptionSet("imdb-distil");
        var command = new Command("distil", "Distils a fine-tuned teacher (--model) into a shallower student and compares teacher, student alone and distilled student.")
        {
            layers, temperature, alpha, cosine, online,
        };
        fineTune.AddTo(command);
        command.SetAction((ParseResult parsed, CancellationToken ct) => SampleCli.RunGuardedAsync(async () =>
        {
            SampleCli.PrepareRuntime();
            var settings = new DistilSettings(ParseLayers(parsed.GetValue(layers)), parsed.GetValue(temperature), parsed.GetValue(alpha),
                parsed.GetValue(cosine), parsed.GetValue(online));
            await new DistilJob(fineTune.Bind(parsed), settings).RunAsync(ct);
        }));
        return command;
    }

    private static int[]? ParseLayers(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        }
        catch (FormatException)
        {
            throw new ArgumentException($"--student-layers '{text}' is not a comma-separated list of layer numbers (e.g. 0,2,4).");
        }
    }
}

/// <summary>The distillation choices of the <c>distil</c> command.</summary>
internal sealed record DistilSettings(int[]? Layers, double Temperature, double Alpha, double CosineWeight, bool OnlineTeacher);
