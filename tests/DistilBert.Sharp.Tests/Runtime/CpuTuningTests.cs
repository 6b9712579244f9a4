using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Tests.Infrastructure;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Runtime;

/// <summary>
/// The allocator setting's promise, observed through the kernel's own count of minor page faults: a freed activation
/// buffer is reused, not unmapped and faulted in again. Runs alone because the fault counter is per process.
/// </summary>
[Collection(TorchRngCollection.Name)]
public class CpuTuningTests
{
    private static long MinorFaults() => long.Parse(File.ReadAllText("/proc/self/stat").Split(") ")[1].Split(' ')[7]);

    [SkippableFact]
    public void Throughput_allocator_reuses_freed_activation_buffers_without_page_faults()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "glibc's allocator and /proc exist only on Linux.");
        Assert.True(CpuTuning.UseThroughputAllocator());
        // libtorch reads the huge-page switch from the native environment; a value the user set is kept.
        Assert.Equal(Environment.GetEnvironmentVariable(CpuTuning.HugePagesVariable) ?? "1",
            CpuTuning.NativeEnvironmentVariable(CpuTuning.HugePagesVariable));

        const long floats = 6 << 20; // 24 MiB, the size of one FFN activation at (16, 128) in distilbert-base.
        const long pagesPerRound = 4 * floats * 4 / 4096;
        // One "layer": four such buffers live at once, then all freed. 96 MiB freed at the heap top is more than glibc's
        // default trim threshold (twice the largest buffer), so without the setting every round is faulted in again.
        static void Layer(int value)
        {
            using var scope = NewDisposeScope();
            for (int i = 0; i < 4; i++) empty(floats).fill_(value);
        }
        Layer(0); // the first round grows the heap and may fault
        // Other test classes run in parallel in this process and fault pages of their own, so take the quietest of three
        // measurements: re-faulting would cost about 10 x 24,576 faults in every one of them; reuse costs almost none.
        long faults = long.MaxValue;
        for (int attempt = 0; attempt < 3 && faults >= pagesPerRound; attempt++)
        {
            long before = MinorFaults();
            for (int round = 1; round <= 10; round++) Layer(round);
            faults = Math.Min(faults, MinorFaults() - before);
        }
        Assert.True(faults < pagesPerRound, $"{faults} minor page faults over 10 rounds of {pagesPerRound} pages each.");
    }

    [Fact]
    public void Torch_thread_count_is_set_and_invalid_counts_are_refused()
    {
        int original = get_num_threads();
        try
        {
            CpuTuning.SetTorchThreads(1);
            Assert.Equal(1, get_num_threads());
        }
        finally
        {
            set_num_threads(original);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuTuning.SetTorchThreads(0));
    }
}
