using DistilBert.Sharp.Modeling;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Modeling;

/// <summary>Each head's loss against a hand-written formula over its own logits, and HF's problem-type inference.</summary>
public class HeadLossTests
{
    /// <summary>Mean negative log-likelihood over rows whose label is not <paramref name="ignore"/>, computed by hand.</summary>
    private static double ManualCrossEntropy(Tensor logits2d, long[] labels, long ignore = -100)
    {
        var logProbs = logits2d.detach().to_type(ScalarType.Float64).log_softmax(-1);
        double total = 0;
        int count = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] == ignore) continue;
            total -= logProbs[i, labels[i]].item<double>();
            count++;
        }
        return total / count;
    }

    [Fact]
    public void Sequence_classification_infers_the_problem_type_per_call_without_touching_the_config()
    {
        using var scope = NewDisposeScope();
        manual_seed(31);
        using var model = new DistilBertForSequenceClassification(TinyModels.Config(3));
        model.eval();
        var ids = TinyModels.Ids(4, 6);

        var ce = model.call(new ModelInputs(ids, Labels: tensor(new long[] { 0, 2, 1, 2 })));
        Assert.Equal(ManualCrossEntropy(ce.Logits!, [0, 2, 1, 2]), ce.Loss!.item<float>(), 5);

        var targets = tensor(new float[] { 1, 0, 1, 0, 0, 0, 1, 1, 0, 1, 0, 0 }, [4, 3]);
        var bce = model.call(new ModelInputs(ids, Labels: targets));
        var x = bce.Logits!.detach().to_type(ScalarType.Float64);
        var t = targets.to_type(ScalarType.Float64);
        double manual = (-(t * x.sigmoid().log() + (1 - t) * (1 - x.sigmoid()).log())).mean().item<double>();
        Assert.Equal(manual, bce.Loss!.item<float>(), 5);
        Assert.Null(model.Config.ProblemType);
    }

    [Fact]
    public void Single_output_head_uses_mean_squared_error()
    {
        using var scope = NewDisposeScope();
        manual_seed(32);
        using var model = new DistilBertForSequenceClassification(TinyModels.Config(1));
        model.eval();
        var labels = tensor(new float[] { 0.5f, -1.0f, 2.0f });
        var output = model.call(new ModelInputs(TinyModels.Ids(3, 5), Labels: labels));
        double manual = (output.Logits!.detach().reshape(-1) - labels).pow(2).mean().item<float>();
        Assert.Equal(manual, output.Loss!.item<float>(), 5);
    }

    [Fact]
    public void Masked_lm_and_token_classification_ignore_label_minus_100()
    {
        using var scope = NewDisposeScope();
        manual_seed(33);
        var ids = TinyModels.Ids(2, 4);
        long[] labels = [-100, 7, -100, 3, 12, -100, -100, 0];
        var labelTensor = tensor(labels, [2, 4]);

        using var mlm = new DistilBertForMaskedLM(TinyModels.Config());
        mlm.eval();
        var m = mlm.call(new ModelInputs(ids, Labels: labelTensor));
        Assert.Equal(new long[] { 2, 4, 50 }, m.Logits!.shape);
        Assert.Equal(ManualCrossEntropy(m.Logits.reshape(8, 50), labels), m.Loss!.item<float>(), 5);

        using var tok = new DistilBertForTokenClassification(TinyModels.Config(13));
        tok.eval();
        var t = tok.call(new ModelInputs(ids, Labels: labelTensor));
        Assert.Equal(new long[] { 2, 4, 13 }, t.Logits!.shape);
        Assert.Equal(ManualCrossEntropy(t.Logits.reshape(8, 13), labels), t.Loss!.item<float>(), 5);
    }

    [Fact]
    public void Masked_lm_projecting_only_labelled_tokens_gives_the_full_projections_loss_rows_and_gradients()
    {
        using var scope = NewDisposeScope();
        manual_seed(35);
        var ids = TinyModels.Ids(3, 5);
        long[] labels = [-100, 7, -100, 3, 12, -100, -100, 0, -100, -100, 49, -100, 5, -100, -100];
        var labelTensor = tensor(labels, [3, 5]);
        // Dropout off so both passes see the same network; train() so the sparse path is taken.
        var config = TinyModels.Config();
        config.Dropout = 0;
        config.AttentionDropout = 0;
        using var mlm = new DistilBertForMaskedLM(config);
        mlm.train();

        var full = mlm.call(new ModelInputs(ids, Labels: labelTensor));
        full.Loss!.backward();
        var fullGrads = mlm.parameters().Select(p => p.grad!.clone()).ToArray();
        mlm.zero_grad();

        mlm.ProjectOnlyLabeledTokensWhenTraining = true;
        var sparse = mlm.call(new ModelInputs(ids, Labels: labelTensor));
        sparse.Loss!.backward();

        long[] kept = labels.Select((l, i) => (l, i)).Where(x => x.l != -100).Select(x => (long)x.i).ToArray();
        Assert.Equal(new long[] { kept.Length, 50 }, sparse.Logits!.shape);
        var expectedRows = full.Logits!.detach().reshape(15, 50).index_select(0, tensor(kept));
        Assert.True(sparse.Logits.detach().allclose(expectedRows, rtol: 0, atol: 1e-6));
        Assert.Equal(full.Loss.item<float>(), sparse.Loss.item<float>(), tolerance: 1e-6);
        Assert.Equal(ManualCrossEntropy(full.Logits.reshape(15, 50), labels), sparse.Loss.item<float>(), tolerance: 1e-5);
        var sparseGrads = mlm.parameters().Select(p => p.grad!).ToArray();
        for (int i = 0; i < fullGrads.Length; i++)
            Assert.True(sparseGrads[i].allclose(fullGrads[i], rtol: 1e-5, atol: 1e-7), $"gradient {i} differs");

        // Evaluation mode keeps HF's [batch, seq, vocab] logits whatever the switch says.
        mlm.eval();
        Assert.Equal(new long[] { 3, 5, 50 }, mlm.call(new ModelInputs(ids, Labels: labelTensor)).Logits!.shape);
        // Bad labels are still refused on the sparse path, naming the value.
        mlm.train();
        var bad = Assert.Throws<ArgumentException>(() => mlm.call(new ModelInputs(ids, Labels: full_like(labelTensor, 50))));
        Assert.Contains("50", bad.Message);
    }

    [Fact]
    public void Question_answering_averages_start_and_end_losses_and_ignores_out_of_range_positions()
    {
        using var scope = NewDisposeScope();
        manual_seed(34);
        using var model = new DistilBertForQuestionAnswering(TinyModels.Config(2));
        model.eval();
        // Row 1's end position (99) lies outside the sequence: HF clamps it to seq_len and ignores it.
        var output = (QuestionAnsweringOutput)model.call(new ModelInputs(TinyModels.Ids(2, 6), Labels: tensor(new long[] { 1, 3, 2, 99 }, [2, 2])));
        Assert.Equal(new long[] { 2, 6 }, output.StartLogits!.shape);
        double start = ManualCrossEntropy(output.StartLogits, [1, 2]);
        double end = ManualCrossEntropy(output.EndLogits!, [3, 6], ignore: 6);
        Assert.Equal((start + end) / 2, output.Loss!.item<float>(), 5);
        Assert.Throws<ArgumentException>(() => new DistilBertForQuestionAnswering(TinyModels.Config(3)));
    }
}
