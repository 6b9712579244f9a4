using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Training;
using TorchSharp;

namespace DistilBert.Sharp.Tests.SunEtAl;

/// <summary>
/// The unseeded MLM collator draws from torch's global generator, which the Trainer seeds and checkpoints: an
/// interrupted masked-LM run with layer-wise decayed groups resumes to exactly the weights of an uninterrupted one.
/// </summary>
[Collection(TorchRngCollection.Name)]
public sealed class MlmResumeTests
{
    private const int Pad = 0, Unk = 1, Cls = 2, Sep = 3, Mask = 4, Vocab = 30;

    private sealed class StopAtStep(int step) : TrainerCallback
    {
        public override void OnStepEnd(TrainingArguments args, TrainerState state, TrainerControl control)
        {
            if (state.GlobalStep == step) control.ShouldTrainingStop = true;
        }
    }

    private static DistilBertForMaskedLM NewModel()
    {
        torch.manual_seed(0);
        return new DistilBertForMaskedLM(new DistilBertConfig
        {
            VocabSize = Vocab, Dim = 8, NLayers = 2, NHeads = 2, HiddenDim = 16, MaxPositionEmbeddings = 24, PadTokenId = Pad,
        });
    }

    private static TextClassificationDataset Corpus()
    {
        var rng = new Random(4);
        return TextClassificationDataset.Unlabeled(Enumerable.Range(0, 48)
            .Select(_ => (int[])[Cls, .. Enumerable.Range(0, rng.Next(4, 12)).Select(_ => rng.Next(5, Vocab)), Sep]).ToArray());
    }

    private static TrainingArguments Args(string dir) => new()
    {
        OutputDir = dir, MaxSteps = 6, PerDeviceTrainBatchSize = 16, LearningRate = 1e-2, LayerwiseLrDecay = 0.8, WeightDecay = 0.01,
        WarmupSteps = 1, LoggingSteps = 1, SaveStrategy = SaveStrategy.Steps, SaveSteps = 3, Seed = 9,
    };

    private static DataCollatorForLanguageModeling Collator() => new(Vocab, Mask, Pad, [Pad, Unk, Cls, Sep, Mask]);

    [Fact]
    public void Interrupted_masked_LM_run_resumes_bit_identically()
    {
        var data = Corpus();
        using var d1 = new TempDirectory();
        using var full = NewModel();
        using (var collator = Collator())
        using (var trainer = new Trainer(full, Args(d1.Path), data, dataCollator: collator)) trainer.Train();

        using var d2 = new TempDirectory();
        using (var first = NewModel())
        using (var collator = Collator())
        using (var trainer = new Trainer(first, Args(d2.Path), data, dataCollator: collator, callbacks: [new StopAtStep(3)]))
        {
            Assert.Equal(3, trainer.Train().GlobalStep);
        }
        torch.manual_seed(777); // a fresh process would have another global RNG state
        using var resumed = NewModel();
        using (var collator = Collator())
        using (var trainer = new Trainer(resumed, Args(d2.Path), data, dataCollator: collator))
        {
            Assert.Equal(6, trainer.Train(resumeFromCheckpoint: Path.Combine(d2.Path, "checkpoint-3")).GlobalStep);
        }
        var expected = full.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in resumed.named_parameters())
            Assert.True(p.equal(expected[name]).all().item<bool>(), $"{name} differs after resume");
        // And the run really trained: the weights moved away from the initialisation.
        using var init = NewModel();
        Assert.Contains(init.named_parameters(), p => !p.parameter.equal(expected[p.name]).all().item<bool>());
    }
}
