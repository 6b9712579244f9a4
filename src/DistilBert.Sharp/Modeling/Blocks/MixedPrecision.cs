using DistilBert.Sharp.Runtime;
using Microsoft.Extensions.Logging;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Modeling;

/// <summary>
/// bf16 mixed precision the way PyTorch's CPU autocast does it (TorchSharp has no autocast): the parameters stay fp32
/// ("master weights"); inside a <see cref="Bf16Autocast"/> scope every Linear and the fused attention run in bf16, while
/// embeddings, LayerNorm, softmax of the eager attention path, the residual stream, the logits and the losses stay fp32.
/// </summary>
/// <remarks>
/// <para>Why at the Linear boundary: the GEMMs are where bf16 pays (AVX512_BF16 runs them ~1.8× faster than fp32 on a Zen 5 with MKL's AVX-512 kernels) and
/// where it is numerically harmless (fp32 accumulation inside the kernel). Each Linear casts its input and its weight to
/// bf16 and, unless the next op is another bf16 consumer (q/k/v → attention, lin1 → GELU → lin2), casts its output back
/// to fp32, so LayerNorm and losses see fp32. The weight cast is part of the autograd graph, so gradients reach the fp32
/// parameters as fp32 and the optimizer is unchanged; the cast happens once per forward (one use per weight per forward,
/// which is what autocast's per-region cast cache gives too).</para>
/// <para>Expected difference from fp32: bf16 keeps 8 mantissa bits (relative rounding ~4e-3), so hidden states and
/// logits differ from fp32 by about 1e-2 absolute on a DistilBERT-sized model; predicted classes almost always agree.</para>
/// <para>Inference: <see cref="ToBf16Inference"/> converts the Linear weights to bf16 once (half the memory, no cast per
/// call); the same code path then recognises bf16 weights and runs without an autocast scope.</para>
/// </remarks>
public static class MixedPrecision
{
    [ThreadStatic] private static int _bf16Depth;

    /// <summary>Whether the calling thread is inside an enabled <see cref="Bf16Autocast"/> scope.</summary>
    public static bool IsBf16AutocastEnabled => _bf16Depth > 0;

    /// <summary>
    /// Runs the model forwards started on this thread in bf16 mixed precision until the returned scope is disposed
    /// (PyTorch's <c>torch.autocast("cpu", dtype=torch.bfloat16)</c>). With <paramref name="enabled"/> false it changes nothing.
    /// Backward may run outside the scope: the casts are recorded in the graph.
    /// </summary>
    public static IDisposable Bf16Autocast(bool enabled = true)
    {
        if (!enabled) return NoopScope.Instance;
        _bf16Depth++;
        return new AutocastScope();
    }

    /// <summary>
    /// Prepares <paramref name="model"/> for bf16 inference: converts every Linear weight and bias to bf16 once and switches
    /// to eval mode. Embeddings and LayerNorms stay fp32, so inputs and outputs (logits, hidden states) remain fp32.
    /// Meant for serving: do not train the converted model (its Linear weights are no longer fp32 master weights), and note
    /// that <c>SavePretrained</c> would then write those weights as bf16.
    /// </summary>
    /// <param name="model">The model to convert.</param>
    /// <param name="logger">Receives a warning when the model's device emulates bf16 (then bf16 is slower than fp32:
    /// consider <see cref="PrecisionPolicy.Resolve"/> with <see cref="PrecisionMode.Auto"/> before converting).</param>
    /// <param name="probe">The hardware to check; default <see cref="HardwareProbe.Default"/>.</param>
    /// <returns>The same model, for chaining.</returns>
    public static T ToBf16Inference<T>(this T model, ILogger? logger = null, IHardwareProbe? probe = null) where T : nn.Module
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchRuntime.EnsureLoaded();
        if (logger is not null && model.parameters().FirstOrDefault() is { } first)
        {
            var decision = PrecisionPolicy.Resolve(PrecisionMode.Bf16, first.device.ToString(), probe);
            if (decision.Warning is { } warning) logger.LogWarning("{Warning}", warning);
        }
        using (no_grad())
        {
            foreach (var (_, module) in model.named_modules())
                if (module is Linear linear) linear.to(ScalarType.BFloat16);
        }
        model.eval();
        return model;
    }

    /// <summary>
    /// <paramref name="linear"/> applied to <paramref name="x"/>, in bf16 when autocast is on or the weights are bf16
    /// (<see cref="ToBf16Inference"/>). The result is bf16 when <paramref name="keepBf16"/> (for a bf16 consumer), else see below.
    /// </summary>
    internal static Tensor Linear(Linear linear, Tensor x, bool keepBf16 = false)
    {
        var weight = linear.weight!;
        bool converted = weight.dtype == ScalarType.BFloat16;
        if (!converted && !(IsBf16AutocastEnabled && weight.dtype == ScalarType.Float32))
            return linear.call(x);
        var w = converted ? weight : weight.to(ScalarType.BFloat16);
        var b = linear.bias is { } bias ? (converted ? bias : bias.to(ScalarType.BFloat16)) : null;
        var y = nn.functional.linear(x.to(ScalarType.BFloat16), w, b);
        if (keepBf16) return y;
        // Autocast hands fp32 back to the fp32 residual stream. Pre-cast weights give the input's dtype back: fp32 for
        // ToBf16Inference (a bf16 input from attention/GELU is promoted at the residual add), bf16 for a model that was
        // converted to bf16 as a whole (model.to(bfloat16)), which then stays bf16 end to end.
        return y.to(converted ? x.dtype : ScalarType.Float32);
    }

    /// <summary>
    /// The additive attention bias in <paramref name="dtype"/>. fp32's most negative number rounds to −∞ in bf16 (which
    /// would turn a fully padded row into NaN), so it is clamped to bf16's most negative finite value first.
    /// </summary>
    internal static Tensor? BiasFor(Tensor? bias, ScalarType dtype) =>
        bias is null || bias.dtype == dtype ? bias : bias.clamp(min: finfo(dtype).min).to(dtype);

    private sealed class AutocastScope : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _bf16Depth--;
        }
    }

    private sealed class NoopScope : IDisposable
    {
        public static readonly NoopScope Instance = new();
        public void Dispose() { }
    }
}
