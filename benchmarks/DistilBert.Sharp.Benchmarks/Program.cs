using BenchmarkDotNet.Running;
using DistilBert.Sharp.Benchmarks;

if (args.Length > 0 && args[0] == "tokenizer-compare")
    return TokenizerComparison.Run(args[1..]);
if (args.Length > 0 && args[0] == "compare")
    return PerformanceComparison.Run(args[1..]);
if (args.Length > 0 && args[0] == "onnx-compare")
    return OnnxRuntimeComparison.Run(args[1..]);
if (args.Length > 0 && args[0] == "onnx-imdb-eval")
    return OnnxImdbEvaluation.Run(args[1..]);
if (args.Length > 0 && args[0] == "serve-load")
    return await ServeLoadTest.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "latency")
    return LatencyBenchmark.Run(args[1..]);
if (args.Length > 0 && args[0] == "weights-memory")
{
    WeightsLoadMemory.Run(args[1..]);
    return 0;
}

// BenchmarkDotNet's own environment block names the CPU and its AVX-512 subsets; the line and column add bf16/AMX/VNNI.
Console.WriteLine(MachineInfo.Line("torch threads: libtorch default in each benchmark process (one per physical core)"));
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly)
    .Run(args, BenchmarkDotNet.Configs.ManualConfig.Create(BenchmarkDotNet.Configs.DefaultConfig.Instance).AddColumn(new CpuFlagsColumn()));
return 0;
