// Entry point of the IMDb fine-tuning sample; see SampleCli for the options and FineTuneJob for the workflow.
// Ctrl-C (or SIGTERM) cancels the run's token: training stops at a step boundary and the job prints how to resume.
using var stop = new ImdbFineTune.StopOnSignal();
return await ImdbFineTune.SampleCli.RunAsync(args, stop.Token);
