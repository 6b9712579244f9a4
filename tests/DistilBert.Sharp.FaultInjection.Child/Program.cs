using DistilBert.Sharp.Data;
using DistilBert.Sharp.IO;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Training;
using DistilBert.Sharp.Training.Checkpointing;
using TorchSharp;

namespace DistilBert.Sharp.FaultInjection.Child;

/// <summary>
/// The victim of the fault-injection tests. Prints one marker line per event (flushed at once) so that the test can
/// aim its SIGKILL: <c>STEP n</c> after each optimizer step, <c>SAVING n</c> when a checkpoint's files are written and
/// its swap and rotation are about to run, <c>SAVED i</c> after each model-folder save, <c>DONE</c> at the end.
/// </summary>
/// <remarks>
/// Commands (the last argument, <c>exchange</c> or <c>portable</c>, picks the folder-swap implementation):
/// <list type="bullet">
/// <item><c>train &lt;outputDir&gt; &lt;maxSteps&gt; &lt;saveTotalLimit, 0 for none&gt; &lt;resume: yes|no&gt; &lt;swap&gt;</c>:
/// trains <see cref="TinyModels.Classifier"/> with save_steps=1, resuming from the last checkpoint when asked, then
/// saves the final model to <c>outputDir/final</c>.</item>
/// <item><c>save &lt;folder&gt; &lt;count&gt; &lt;swap&gt;</c>: saves the 3-label and the 2-label model over the folder in
/// turn, <c>count</c> times.</item>
/// <item><c>read &lt;folder&gt; &lt;swap&gt;</c>: opens and reads every file of a malformed-input corpus
/// (<see cref="MalformedReader"/>); a crash here is a test failure that names the case.</item>
/// <item><c>mkl &lt;swap&gt;</c>: loads libtorch through the library and prints <c>MKL</c> and the GEMM kernel choice.</item>
/// </list>
/// </remarks>
public static class Program
{
    public static int Main(string[] args)
    {
        AtomicDirectory.UseExchange = args[^1] == "exchange";
        torch.set_num_threads(1); // a tiny model: intra-op threads only spin, and several children may run at once
        switch (args[0])
        {
            case "train":
                Train(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture),
                    int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), args[4] == "yes");
                break;
            case "save":
                Save(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
                break;
            case "mkl":
                // Which GEMM kernels a fresh process gets (MklVendorDispatch), under the environment the test set.
                Runtime.TorchRuntime.EnsureLoaded();
                Marker("MKL " + Runtime.TorchRuntime.MklKernels);
                break;
            case "read":
                MalformedReader.ReadAll(args[1], Marker);
                break;
            default:
                Console.Error.WriteLine($"unknown command '{args[0]}'");
                return 2;
        }
        Marker("DONE");
        return 0;
    }

    private static void Marker(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }

    private static void Train(string outputDir, int maxSteps, int saveTotalLimit, bool resume)
    {
        var args = TinyModels.TrainingArguments(outputDir, maxSteps, saveTotalLimit);
        using var model = TinyModels.Classifier(labels: 2, seed: 0);
        using var trainer = new Trainer(model, args, TinyModels.Data(), callbacks: [new StepMarker()]);
        trainer.BeforeCheckpointRename = _ => Marker($"SAVING {trainer.State.GlobalStep}");
        string? last = resume ? CheckpointManager.GetLastCheckpoint(outputDir) : null;
        trainer.Train(resumeFromCheckpoint: last);
        model.SavePretrained(Path.Combine(outputDir, "final"));
    }

    private static void Save(string folder, int count)
    {
        using var two = TinyModels.Classifier(labels: 2, seed: 1);
        using var three = TinyModels.Classifier(labels: 3, seed: 2);
        for (int i = 0; i < count; i++)
        {
            (i % 2 == 0 ? three : two).SavePretrained(folder);
            Marker($"SAVED {i}");
        }
    }

    private sealed class StepMarker : TrainerCallback
    {
        public override void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) =>
            Marker($"STEP {state.GlobalStep}");
    }
}

/// <summary>The tiny model, data and arguments both the child and the tests build (same code, same bits).</summary>
public static class TinyModels
{
    /// <summary>A one-layer DistilBERT classifier (dim 8), initialised from <paramref name="seed"/>.</summary>
    public static DistilBertForSequenceClassification Classifier(int labels, int seed)
    {
        torch.manual_seed(seed);
        return new DistilBertForSequenceClassification(new DistilBertConfig
        {
            Dim = 8, NLayers = 1, NHeads = 2, HiddenDim = 16, VocabSize = 30, MaxPositionEmbeddings = 16, NumLabels = labels,
        });
    }

    /// <summary>48 labelled sequences of ids 1–29 (a fixed pseudo-random draw), 12 batches of 4 per epoch.</summary>
    public static TextClassificationDataset Data()
    {
        var rng = new Random(17);
        var ids = new List<int[]>();
        var labels = new List<int>();
        for (int i = 0; i < 48; i++)
        {
            int label = rng.Next(2);
            ids.Add(Enumerable.Range(0, rng.Next(3, 12)).Select(_ => 1 + label * 14 + rng.Next(14)).ToArray());
            labels.Add(label);
        }
        return TextClassificationDataset.FromClassLabels(ids, labels);
    }

    /// <summary>save_steps=1 (every step writes a checkpoint), dropout on (the RNG state matters), optional rotation.</summary>
    public static TrainingArguments TrainingArguments(string outputDir, int maxSteps, int saveTotalLimit) => new()
    {
        OutputDir = outputDir, MaxSteps = maxSteps, PerDeviceTrainBatchSize = 4, LearningRate = 5e-3, WarmupSteps = 2,
        SaveStrategy = SaveStrategy.Steps, SaveSteps = 1, SaveTotalLimit = saveTotalLimit > 0 ? saveTotalLimit : null,
        LoggingSteps = 1, Seed = 7,
    };
}
