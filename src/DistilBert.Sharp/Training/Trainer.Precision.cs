using DistilBert.Sharp.Runtime;
using Microsoft.Extensions.Logging;

namespace DistilBert.Sharp.Training;

public sealed partial class Trainer
{
    private PrecisionDecision? _precision;
    private IHardwareProbe _hardwareProbe = Runtime.HardwareProbe.Default;

    /// <summary>
    /// The hardware the precision decision is made for (<see cref="TrainingArguments.EffectivePrecision"/>); default the
    /// real machine. Replace it to test or force a decision; setting it re-decides on the next forward.
    /// </summary>
    public IHardwareProbe HardwareProbe
    {
        get => _hardwareProbe;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _hardwareProbe = value;
            _precision = null;
        }
    }

    /// <summary>
    /// Whether training and evaluation run in fp32 or bf16 on this hardware, and why. Decided (and logged, as a warning
    /// where bf16 is requested but emulated) the first time it is needed.
    /// </summary>
    public PrecisionDecision PrecisionDecision
    {
        get
        {
            if (_precision is { } decided) return decided;
            var decision = PrecisionPolicy.Resolve(Args.EffectivePrecision, TorchDeviceJsonConverter.Name(Args.Device), _hardwareProbe);
            if (decision.Warning is { } warning) _logger.LogWarning("{Warning}", warning);
            else if (decision.UseBf16 || Args.EffectivePrecision != PrecisionMode.Fp32) _logger.LogInformation("Precision: {Reason}", decision.Reason);
            return _precision = decision;
        }
    }

    private bool UseBf16 => PrecisionDecision.UseBf16;
}
