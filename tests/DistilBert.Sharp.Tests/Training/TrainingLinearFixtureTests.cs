using System.Text.Json;
using DistilBert.Sharp.Data;
using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Training;
using DistilBert.Sharp.Weights;
using TorchSharp;
using Xunit.Abstractions;

namespace DistilBert.Sharp.Tests.Training;

/// <summary>
/// HF golden training run (../shared/fixtures/training-linear): AdamW with HF's decay groups, linear warmup schedule
/// and clipping on a dropout-free tiny DistilBertForSequenceClassification, six micro-batches in a fixed order.
/// </summary>
[Collection(TorchRngCollection.Name)]
public class TrainingLinearFixtureTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Trainer_reproduces_HF_losses_learning_rates_grad_norms_and_final_weights()
    {
        string fixture = SharedData.RequireFixture("training-linear");
        using var expectedJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture, "expected.json")));
        var recipe = expectedJson.RootElement.GetProperty("recipe");
        var expectedLog = expectedJson.RootElement.GetProperty("log_history").EnumerateArray().ToList();

        // Rebuild the micro-batches as examples, in order: strip each row's padding (mask 0) and let the collator pad again.
        var ids = new List<int[]>();
        var labels = new List<int>();
        int batchSize = recipe.GetProperty("per_device_train_batch_size").GetInt32();
        int microBatches = recipe.GetProperty("micro_batches_in_order").GetInt32();
        long paddedLength;
        using (var batches = SafetensorsFile.Open(Path.Combine(fixture, "batches.safetensors")))
        using (var scope = torch.NewDisposeScope())
        {
            paddedLength = batches.Tensors["0.input_ids"].Shape[1];
            for (int b = 0; b < microBatches; b++)
            {
                var inputIds = batches.ReadTensor($"{b}.input_ids");
                var mask = batches.ReadTensor($"{b}.attention_mask");
                var y = batches.ReadTensor($"{b}.labels");
                Assert.Equal(batchSize, (int)inputIds.shape[0]);
                for (int r = 0; r < batchSize; r++)
                {
                    long[] row = inputIds[r].data<long>().ToArray();
                    long[] m = mask[r].data<long>().ToArray();
                    ids.Add(row.Where((_, t) => m[t] == 1).Select(v => (int)v).ToArray());
                    labels.Add((int)y[r].item<long>());
                }
            }
        }
        var dataset = TextClassificationDataset.FromClassLabels(ids, labels);

        using var model = DistilBertForSequenceClassification.FromPretrained(fixture);
        using var dir = new TempDirectory();
        var args = new TrainingArguments
        {
            OutputDir = dir.Path,
            LearningRate = recipe.GetProperty("learning_rate").GetDouble(),
            WeightDecay = recipe.GetProperty("weight_decay").GetDouble(),
            AdamBeta1 = recipe.GetProperty("adam_beta1").GetDouble(),
            AdamBeta2 = recipe.GetProperty("adam_beta2").GetDouble(),
            AdamEpsilon = recipe.GetProperty("adam_epsilon").GetDouble(),
            LrSchedulerType = SchedulerType.Linear,
            WarmupSteps = recipe.GetProperty("warmup_steps").GetInt32(),
            MaxSteps = recipe.GetProperty("max_steps").GetInt32(),
            GradientAccumulationSteps = recipe.GetProperty("gradient_accumulation_steps").GetInt32(),
            MaxGradNorm = recipe.GetProperty("max_grad_norm").GetDouble(),
            PerDeviceTrainBatchSize = batchSize,
            LoggingSteps = 1,
            SaveStrategy = SaveStrategy.No,
        };
        // Pad every batch to the fixture's length so the tensors are the ones HF saw, and keep the fixture's order.
        using var trainer = new Trainer(model, args, dataset, dataCollator: new DataCollatorWithPadding(0, (int)paddedLength))
        {
            TrainSampler = new SequentialSampler(dataset.Count),
        };
        trainer.Train();

        var logs = trainer.State.LogHistory.Where(l => l.ContainsKey("loss")).ToList();
        Assert.Equal(expectedLog.Count, logs.Count);
        output.WriteLine("max |loss diff| = {0:E2}, max grad_norm rel diff = {1:E2}",
            logs.Select((l, i) => Math.Abs(l["loss"] - expectedLog[i].GetProperty("loss").GetDouble())).Max(),
            logs.Select((l, i) => Math.Abs(l["grad_norm"] / expectedLog[i].GetProperty("grad_norm").GetDouble() - 1)).Max());
        for (int i = 0; i < logs.Count; i++)
        {
            var e = expectedLog[i];
            Assert.Equal(e.GetProperty("step").GetInt32(), (int)logs[i]["step"]);
            Assert.True(Math.Abs(e.GetProperty("loss").GetDouble() - logs[i]["loss"]) <= 1e-5,
                $"step {i + 1}: loss {logs[i]["loss"]} vs HF {e.GetProperty("loss").GetDouble()}");
            Assert.Equal(e.GetProperty("learning_rate").GetDouble(), logs[i]["learning_rate"]);
            double hfNorm = e.GetProperty("grad_norm").GetDouble();
            Assert.True(Math.Abs(hfNorm - logs[i]["grad_norm"]) <= 1e-4 * hfNorm,
                $"step {i + 1}: grad_norm {logs[i]["grad_norm"]} vs HF {hfNorm}");
        }

        using var final = SafetensorsFile.Open(Path.Combine(fixture, "final.safetensors"));
        using var check = torch.NewDisposeScope();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        int compared = 0;
        double worst = 0;
        foreach (var name in final.Tensors.Keys)
        {
            if (!parameters.TryGetValue(name, out var p)) continue; // tied or legacy buffers
            var expected = final.ReadTensor(name);
            double diff = (p.detach() - expected).abs().max().item<float>();
            Assert.True(diff <= 1e-5, $"{name}: max abs diff {diff}");
            worst = Math.Max(worst, diff);
            compared++;
        }
        Assert.Equal(parameters.Count, compared);
        output.WriteLine("compared {0} parameters with final.safetensors, max |diff| = {1:E2}", compared, worst);
    }
}
