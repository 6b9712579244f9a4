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

    // glibc's largest allowed mmap threshold on 64-bit (DEFAULT_MMAP_THRESHOLD_MAX); mallopt refuses more.
    private const int MaxHeapAllocationBytes = 32 << 20;

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
    /// Stops the kernel from zeroing fresh pages for every activation buffer. libtorch's CPU allocator is plain malloc,
    /// and a transformer layer allocates and frees tens of megabytes per call; with glibc's defaults those buffers are
    /// unmapped when freed and faulted in again page by page (4 KiB) on the next layer, which showed as 30-40% kernel
    /// time in a training run here. Two settings, the remedy PyTorch's CPU tuning guides give without a native
    /// dependency (their other advice is to preload jemalloc or tcmalloc):
    /// <list type="bullet">
    /// <item>glibc keeps freed buffers up to 32 MiB (its largest allowed threshold) in its heap for reuse (mallopt;
    /// up to 512 MiB of freed memory then stays with the process instead of returning to the OS);</item>
    /// <item>libtorch backs larger buffers with 2 MiB transparent huge pages (<c>THP_MEM_ALLOC_ENABLE=1</c>), so the
    /// ones glibc must still map cost one fault per 2 MiB. libtorch reads this once, at its first allocation: call this
    /// method before creating any tensor or model for that part to apply. An existing value is left as it is.</item>
    /// </list>
    /// </summary>
    /// <returns>True when applied (Linux with glibc); false elsewhere, where it does nothing.</returns>
    public static bool UseThroughputAllocator()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // Fixed values also switch off glibc's dynamic threshold, which trims the heap top and re-faults it.
            bool heap = mallopt(MMmapThreshold, MaxHeapAllocationBytes) == 1
                     && mallopt(MTrimThreshold, 512 << 20) == 1
                     && mallopt(MTopPad, 64 << 20) == 1;
            // The native environment, not .NET's copy (Environment.SetEnvironmentVariable does not reach libtorch on Unix).
            bool hugePages = setenv(HugePagesVariable, "1", overwrite: 0) == 0;
            return heap && hugePages;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // musl and other C libraries without mallopt.
        }
    }

    /// <summary>libtorch's switch for transparent-huge-page backed CPU allocations (c10's alloc_cpu).</summary>
    internal const string HugePagesVariable = "THP_MEM_ALLOC_ENABLE";

    /// <summary>The native process environment's value of <paramref name="name"/> (what libtorch sees).</summary>
    internal static string? NativeEnvironmentVariable(string name) => Marshal.PtrToStringUTF8(getenv(name));

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr getenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
