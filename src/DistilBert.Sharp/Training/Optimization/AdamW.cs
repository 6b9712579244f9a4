using TorchSharp;

namespace DistilBert.Sharp.Training.Optimization;

/// <summary>
/// AdamW (decoupled weight decay) computing exactly what PyTorch's <c>torch.optim.AdamW</c> single-tensor path does,
/// operation for operation, in the parameter's dtype.
/// </summary>
/// <remarks>
/// Why our own instead of TorchSharp's: its state lives in native objects we cannot save to safetensors or restore
/// bit-exactly, and it has no per-group learning-rate hook for a schedule + layer-wise decay. Here the state is two
/// plain tensors per parameter plus a step count, so checkpoints and resume are exact. The update, per parameter:
/// <code>
/// p *= 1 − lr·wd;  m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
/// p −= lr / (1−β1^t) · m / (√v / √(1−β2^t) + ε)
/// </code>
/// </remarks>
public sealed class AdamW : IDisposable
{
    private readonly Dictionary<string, ParamState> _state = new(StringComparer.Ordinal);

    /// <summary>Creates the optimizer.</summary>
    public AdamW(IReadOnlyList<ParameterGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        Groups = groups ?? throw new ArgumentNullException(nameof(groups));
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>Parameter groups, each with its own learning rate and weight decay.</summary>
    public IReadOnlyList<ParameterGroup> Groups { get; }

    /// <summary>β1.</summary>
    public double Beta1 { get; }

    /// <summary>β2.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Epsilon { get; }

    /// <summary>Applies one update to every parameter that has a gradient, using each group's current learning rate.</summary>
    public void Step()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var group in Groups)
        {
            double lr = group.LearningRate;
            foreach (var (name, p) in group.Parameters)
            {
                var grad = p.grad;
                if (grad is null) continue;
                if (!_state.TryGetValue(name, out var s))
                {
                    s = new ParamState(
                        torch.zeros_like(p).DetachFromDisposeScope(),
                        torch.zeros_like(p).DetachFromDisposeScope());
                    _state[name] = s;
                }
                s.Step++;
                double decay = 1 - lr * group.WeightDecay;
                if (decay != 1) p.mul_(decay); // ×1.0 is exact: skipping it saves a full pass over no-decay parameters
                s.ExpAvg.mul_(Beta1).add_(grad, 1 - Beta1);
                s.ExpAvgSq.mul_(Beta2).addcmul_(grad, grad, 1 - Beta2);
                double biasCorrection1 = 1 - Math.Pow(Beta1, s.Step);
                double biasCorrection2 = 1 - Math.Pow(Beta2, s.Step);
                double stepSize = lr / biasCorrection1;
                // In place on sqrt's fresh result: the same values as (sqrt(v) / c) + eps with one temporary instead of two.
                var denom = s.ExpAvgSq.sqrt().div_(Math.Sqrt(biasCorrection2)).add_(Epsilon);
                p.addcdiv_(s.ExpAvg, denom, -stepSize);
            }
        }
    }

    /// <summary>Clears every parameter's gradient (sets it to none, like <c>zero_grad(set_to_none=True)</c>).</summary>
    public void ZeroGrad()
    {
        foreach (var group in Groups)
        {
            foreach (var (_, p) in group.Parameters)
            {
                var g = p.grad;
                if (g is null) continue;
                p.grad = null;
                g.Dispose();
            }
        }
    }

    /// <summary>The optimizer state as named tensors (<c>&lt;param&gt;.exp_avg</c>, <c>.exp_avg_sq</c>, <c>.step</c>) for a checkpoint.</summary>
    internal IEnumerable<KeyValuePair<string, torch.Tensor>> StateTensors()
    {
        foreach (var (name, s) in _state)
        {
            yield return new(name + ".exp_avg", s.ExpAvg);
            yield return new(name + ".exp_avg_sq", s.ExpAvgSq);
            yield return new(name + ".step", torch.tensor(s.Step));
        }
    }

    /// <summary>Replaces the state with copies of tensors read from a checkpoint (the caller keeps ownership of those).</summary>
    /// <exception cref="InvalidDataException">A tensor is missing or has the wrong shape; the message names it.</exception>
    internal void LoadState(IReadOnlyDictionary<string, torch.Tensor> tensors, string source)
    {
        DisposeState();
        using var scope = torch.NewDisposeScope();
        foreach (var group in Groups)
        {
            foreach (var (name, p) in group.Parameters)
            {
                if (!tensors.TryGetValue(name + ".exp_avg", out var m)) continue; // never stepped (no gradient yet)
                var v = tensors.GetValueOrDefault(name + ".exp_avg_sq")
                        ?? throw new InvalidDataException($"{source}: '{name}.exp_avg_sq' is missing.");
                var step = tensors.GetValueOrDefault(name + ".step")
                           ?? throw new InvalidDataException($"{source}: '{name}.step' is missing.");
                if (!m.shape.SequenceEqual(p.shape) || !v.shape.SequenceEqual(p.shape))
                    throw new InvalidDataException($"{source}: state of '{name}' has shape [{string.Join(",", m.shape)}], parameter has [{string.Join(",", p.shape)}].");
                _state[name] = new ParamState(m.to(p.device).clone().DetachFromDisposeScope(), v.to(p.device).clone().DetachFromDisposeScope())
                {
                    Step = step.item<long>(),
                };
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeState();

    private void DisposeState()
    {
        foreach (var s in _state.Values)
        {
            s.ExpAvg.Dispose();
            s.ExpAvgSq.Dispose();
        }
        _state.Clear();
    }

    private sealed class ParamState(torch.Tensor expAvg, torch.Tensor expAvgSq)
    {
        public torch.Tensor ExpAvg { get; } = expAvg;
        public torch.Tensor ExpAvgSq { get; } = expAvgSq;
        public long Step { get; set; }
    }
}
