// Entry point of the IMDb fine-tuning sample; see SampleCli for the options and FineTuneJob for the workflow.
return await ImdbFineTune.SampleCli.RunAsync(args);
