namespace ImdbFineTune;

/// <summary>The workflow: data → tokenizer → datasets → model → Trainer → test accuracy → saved model and report.</summary>
internal sealed class FineTuneJob(SampleOptions options)
{
    public Task RunAsync(CancellationToken cancellationToken)
    {
        _ = options;
        cancellationToken.ThrowIfCancellationRequested();
        throw new NotSupportedException("The fine-tuning workflow is being assembled; the library layers land first.");
    }
}
