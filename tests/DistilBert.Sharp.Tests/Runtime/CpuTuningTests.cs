using System.Globalization;
using DistilBert.Sharp.Runtime;
using DistilBert.Sharp.Weights;
using DistilBert.Sharp.Tests.Infrastructure;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Runtime;

/// <summary>
/// The allocator setting's promise, observed through the kernel's own count of minor page faults: a freed activation
/// buffer is reused, not unmapped and faulted in again.
/// </summary>
[Collection(TorchRngCollection.Name)]
public class CpuTuningTests
{
    // This thread's own count (/proc/thread-self, not /proc/self): other test classes run in parallel in this process
    // and fault pages of their own, which a per-process count adds in (a CI run once read 135,168 that way).
    private static long ThisThreadMinorFaults() =>
        long.Parse(File.ReadAllText("/proc/thread-self/stat").Split(") ")[1].Split(' ')[7], CultureInfo.InvariantCulture);

    [SkippableFact]
    public void Throughput_allocator_reuses_freed_activation_buffers_without_page_faults()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "glibc's allocator and /proc exist only on Linux.");
        Assert.True(CpuTuning.UseThroughputAllocator());
        // libtorch reads the huge-page switch from the native environment; a value the user set is kept.
        Assert.Equal(Environment.GetEnvironmentVariable(CpuTuning.HugePagesVariable) ?? "1",
            CpuTuning.NativeEnvironmentVariable(CpuTuning.HugePagesVariable));

        const long floats = 6 << 20; // 24 MiB, the size of one FFN activation at (16, 128) in distilbert-base.
        const int pageSize = 4096;
        const long pagesPerRound = 4 * floats * 4 / pageSize;
        // One "layer": four such buffers live at once, then all freed. 96 MiB freed at the heap top is more than glibc's
        // default trim threshold (twice the largest buffer), so without the setting every round is faulted in again.
        // The pages are touched from this thread (not by a fill_ that libtorch may spread over its worker threads), so
        // this thread's fault count sees every one of them.
        static unsafe void Layer(byte value)
        {
            using var scope = NewDisposeScope();
            for (int i = 0; i < 4; i++)
            {
                var buffer = empty(floats);
                byte* data = TensorMemory.DataPointer(buffer);
                for (long offset = 0; offset < floats * 4; offset += pageSize) data[offset] = value;
            }
        }
        Layer(0); // the first round grows the heap and may fault
        long faults = long.MaxValue;
        // Three tries, the least taken: a page the kernel reclaimed under memory pressure is the only other source.
        for (int attempt = 0; attempt < 3 && faults >= pagesPerRound / 10; attempt++)
        {
            long before = ThisThreadMinorFaults();
            for (int round = 1; round <= 10; round++) Layer((byte)round);
            faults = Math.Min(faults, ThisThreadMinorFaults() - before);
        }
        // Re-faulting would cost 10 x 24,576 faults; reuse costs (almost) none.
        Assert.True(faults < pagesPerRound / 10, $"{faults} minor page faults over 10 rounds of {pagesPerRound} pages each.");
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
