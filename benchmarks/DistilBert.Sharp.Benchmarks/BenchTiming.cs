using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace DistilBert.Sharp.Benchmarks;

/// <summary>The timing and ONNX Runtime call the comparison commands share, so every figure is taken the same way.</summary>
internal static class BenchTiming
{
    /// <summary>Median wall seconds of <paramref name="reps"/> calls after one warm-up call.</summary>
    public static double Median(Action action, int reps) => Interleaved(reps, warmUpRounds: 1, action)[0];

    /// <summary>
    /// Median wall seconds of each action over <paramref name="reps"/> rounds, one call of each per round, after
    /// <paramref name="warmUpRounds"/> such rounds: a drift in machine speed then reaches every action alike.
    /// </summary>
    public static double[] Interleaved(int reps, int warmUpRounds, params Action[] actions)
    {
        for (int round = 0; round < warmUpRounds; round++)
            foreach (var action in actions) action();
        var times = new double[actions.Length][];
        for (int a = 0; a < actions.Length; a++) times[a] = new double[reps];
        for (int i = 0; i < reps; i++)
            for (int a = 0; a < actions.Length; a++)
            {
                long start = Stopwatch.GetTimestamp();
                actions[a]();
                times[a][i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
        return times.Select(t => t.Order().ElementAt(reps / 2)).ToArray();
    }

    /// <summary>One ONNX Runtime forward of a [batch, seq] classifier input; returns the first logit.</summary>
    public static float OrtForward(InferenceSession session, long[] ids, long[] mask, int batch, int seq)
    {
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [batch, seq]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [batch, seq]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["input_ids", "attention_mask"], [idsValue, maskValue], ["logits"]);
        return outputs[0].GetTensorDataAsSpan<float>()[0];
    }
}
