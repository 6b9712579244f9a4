using BenchmarkDotNet.Running;
using DistilBert.Sharp.Benchmarks;

if (args.Length > 0 && args[0] == "tokenizer-compare")
    return TokenizerComparison.Run(args[1..]);
if (args.Length > 0 && args[0] == "compare")
    return PerformanceComparison.Run(args[1..]);
if (args.Length > 0 && args[0] == "serve-load")
    return await ServeLoadTest.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "weights-memory")
{
    WeightsLoadMemory.Run(args[1..]);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
