using System.Runtime.InteropServices;
using TorchSharp;

namespace DistilBert.Sharp.Runtime;

/// <summary>
/// Process-wide CPU settings that decide how fast libtorch runs here: its thread count, and how the C heap treats the
/// large activation buffers a transformer allocates and frees on every layer. Both change global state, so the library
/// never applies them on its own; applications (the IMDb sample, the benchmarks) call them once at start-up.
/// </summary>
public static class CpuTuning
{
    // glibc's mallopt parameter numbers (malloc.h).
    private const int MTrimThreshold = -1, MTopPad = -2, MMmapThreshold = -3;

    /// <summary>glibc's largest allowed mmap threshold on 64-bit (DEFAULT_MMAP_THRESHOLD_MAX); mallopt refuses more.</summary>
    public const int MaxHeapAllocationBytes = 32 << 20;

    /// <summary>
    /// Sets libtorch's intra-op thread count (<c>torch.set_num_threads</c>). One thread per physical core is fastest;
    /// when the application tokenizes or prepares data on other threads at the same time as torch computes, leave them
    /// cores (e.g. <c>Environment.ProcessorCount - 1</c>) so the two do not oversubscribe the CPU.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1.</exception>
    public static void SetTorchThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(threads);
    }

    /// <summary>
    /// Makes glibc keep freed tensor buffers (up to <see cref="MaxHeapAllocationBytes"/> each) in the heap for reuse
    /// instead of unmapping them and taking a page fault per 4 KiB page when the next layer asks again. libtorch's CPU
    /// allocator is plain malloc, and a DistilBERT layer at (16, 128) frees ~80 MB of activations, so with glibc's
    /// defaults a sizeable share of the run is spent in the kernel zeroing pages. This is the same remedy as PyTorch's
    /// CPU tuning guides' advice to preload jemalloc/tcmalloc, without a native dependency. Cost: up to 512 MiB of
    /// freed memory stays with the process instead of returning to the OS.
    /// </summary>
    /// <returns>True when applied (Linux with glibc); false elsewhere, where it does nothing.</returns>
    public static bool UseThroughputAllocator()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // Fixed values also switch off glibc's dynamic threshold, which trims the heap top and re-faults it.
            return mallopt(MMmapThreshold, MaxHeapAllocationBytes) == 1
                && mallopt(MTrimThreshold, 512 << 20) == 1
                && mallopt(MTopPad, 64 << 20) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // musl and other C libraries without mallopt.
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
