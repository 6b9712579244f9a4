using DistilBert.Sharp.Modeling;
using TorchSharp;

namespace DistilBert.Sharp.Onnx;

/// <summary>Reads a model's parameters (HF key names) as float32 arrays on the CPU.</summary>
internal sealed class ModuleWeights : IWeightSource
{
    private readonly Dictionary<string, torch.Tensor> _state;

    /// <exception cref="InvalidOperationException">A parameter is not on the CPU (the message names it and its device).</exception>
    public ModuleWeights(PreTrainedModel model)
    {
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (parameter.device_type != DeviceType.CPU)
                throw new InvalidOperationException(
                    $"ONNX export reads the weights on the CPU, but parameter '{name}' of {model.GetType().Name} is on {parameter.device}; call model.to(torch.CPU) first.");
        }
        _state = model.state_dict();
    }

    public bool Contains(string key) => _state.ContainsKey(key);

    public (float[] Data, long[] Shape) Get(string key, bool transpose = false)
    {
        if (!_state.TryGetValue(key, out var tensor))
            throw new InvalidOperationException($"The model has no weight '{key}' that its ONNX description needs.");
        using var scope = torch.NewDisposeScope();
        var t = tensor.detach().to_type(torch.ScalarType.Float32);
        if (transpose && t.dim() == 2) t = t.t();
        t = t.contiguous();
        return (t.data<float>().ToArray(), t.shape);
    }
}
