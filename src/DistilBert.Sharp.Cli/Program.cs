using DistilBert.Sharp.Cli;

return await CliCommands.Build().Parse(args).InvokeAsync();
