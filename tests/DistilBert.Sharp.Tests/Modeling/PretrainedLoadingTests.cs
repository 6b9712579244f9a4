using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Weights;
using static TorchSharp.torch;

namespace DistilBert.Sharp.Tests.Modeling;

/// <summary>FromPretrained key mapping and load reports (HF's prefix rules), and the SavePretrained round trip.</summary>
public class PretrainedLoadingTests
{
    private static readonly string[] SeqClsHead = ["classifier.bias", "classifier.weight", "pre_classifier.bias", "pre_classifier.weight"];

    [SkippableFact]
    public void Base_checkpoint_into_a_seqcls_head_reports_exactly_the_head_as_missing()
    {
        string path = SharedData.RequireFixture("distilbert-tiny-base");
        using var model = DistilBertForSequenceClassification.FromPretrained(path);
        var report = model.LastLoadReport!;
        Assert.Equal(SeqClsHead, report.MissingKeys.Order(StringComparer.Ordinal));
        Assert.Empty(report.TiedOrAllowedMissingKeys);
        Assert.Empty(report.UnexpectedKeys);
        Assert.False(model.training);
        // The encoder weights really came from the file.
        using var file = SafetensorsFile.Open(Path.Combine(path, "model.safetensors"));
        var loaded = model.named_parameters().Single(p => p.name == "distilbert.transformer.layer.1.ffn.lin2.weight").parameter;
        Assert.True(file.ReadTensor("transformer.layer.1.ffn.lin2.weight").eq(loaded).all().item<bool>());
    }

    [SkippableFact]
    public void Seqcls_checkpoint_into_the_base_model_strips_the_prefix_and_reports_the_head_as_unexpected()
    {
        string path = SharedData.RequireFixture("distilbert-tiny-seqcls");
        using var model = DistilBertModel.FromPretrained(path);
        Assert.Empty(model.LastLoadReport!.MissingKeys);
        Assert.Equal(SeqClsHead, model.LastLoadReport.UnexpectedKeys.Order(StringComparer.Ordinal));
        Assert.Throws<StateDictMismatchException>(() => DistilBertModel.FromPretrained(path, new PretrainedOptions { Strict = true }));
    }

    [SkippableFact]
    public void MiniLM_encoder_into_a_seqcls_model_reports_exactly_the_head_as_newly_initialised()
    {
        string path = SharedData.RequireModel("minilm-l6-h384-distilbert");
        using var model = DistilBertForSequenceClassification.FromPretrained(path, new PretrainedOptions { NumLabels = 2 });
        Assert.Equal(SeqClsHead, model.LastLoadReport!.MissingKeys.Order(StringComparer.Ordinal));
        Assert.Empty(model.LastLoadReport.UnexpectedKeys);
        Assert.Equal(2, model.Config.NumLabels);
    }

    [SkippableFact]
    public void Mlm_checkpoint_loads_exactly_with_the_tied_projector_skipped()
    {
        string path = SharedData.RequireFixture("distilbert-tiny-mlm");
        using var model = DistilBertForMaskedLM.FromPretrained(path);
        LoadReports.AssertExact(model.LastLoadReport);
        Assert.Contains("vocab_projector.weight", model.LastLoadReport!.IgnoredKeys);
    }

    [Fact]
    public void Missing_path_gives_a_clear_error()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => DistilBertModel.FromPretrained("/nonexistent/distilbert-base-uncased"));
        Assert.Contains("/nonexistent/distilbert-base-uncased", e.Message);
    }

    public static TheoryData<string> Heads => new() { "seqcls", "mlm", "token", "qa", "base" };

    private static DistilBertPreTrainedModel Build(string kind, DistilBertConfig c) => kind switch
    {
        "seqcls" => new DistilBertForSequenceClassification(c),
        "mlm" => new DistilBertForMaskedLM(c),
        "token" => new DistilBertForTokenClassification(c),
        "qa" => new DistilBertForQuestionAnswering(c),
        _ => new DistilBertModel(c),
    };

    private static DistilBertPreTrainedModel Load(string kind, string dir) => kind switch
    {
        "seqcls" => DistilBertForSequenceClassification.FromPretrained(dir),
        "mlm" => DistilBertForMaskedLM.FromPretrained(dir),
        "token" => DistilBertForTokenClassification.FromPretrained(dir),
        "qa" => DistilBertForQuestionAnswering.FromPretrained(dir),
        _ => DistilBertModel.FromPretrained(dir),
    };

    [Theory]
    [MemberData(nameof(Heads))]
    public void SavePretrained_then_FromPretrained_gives_identical_outputs(string kind)
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        manual_seed(21);
        var config = TinyModels.Config();
        config.SinusoidalPosEmbds = kind == "token";
        using var model = Build(kind, config);
        model.eval();
        var ids = TinyModels.Ids(2, 7);
        var mask = ones(2, 7, dtype: ScalarType.Int64);
        mask[1, TensorIndex.Slice(5, null)] = 0;
        using var noGrad = no_grad();
        var before = model.call(new ModelInputs(ids, mask));

        string target = dir.Combine("saved");
        model.SavePretrained(target);
        Assert.Equal(["config.json", "model.safetensors"], Directory.GetFiles(target).Select(Path.GetFileName).Order());
        var saved = DistilBertConfig.FromFile(Path.Combine(target, "config.json"));
        Assert.Equal([model.GetType().Name], saved.Architectures!);

        using var again = Load(kind, target);
        LoadReports.AssertExact(again.LastLoadReport);
        var after = again.call(new ModelInputs(ids, mask));
        Tensor Main(ModelOutput o) => o switch
        {
            QuestionAnsweringOutput qa => stack([qa.StartLogits!, qa.EndLogits!]),
            _ => o.Logits ?? o.LastHiddenState!,
        };
        Assert.True(Main(before).eq(Main(after)).all().item<bool>(), "reloaded model differs");
        // Saving must not disturb the original model, and saving over an existing folder keeps other files.
        TensorAssert.Close(Main(before), Main(model.call(new ModelInputs(ids, mask))), 0, what: "after save");
        File.WriteAllText(Path.Combine(target, "vocab.txt"), "keep me");
        model.SavePretrained(target);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(target, "vocab.txt")));
    }
}

/// <summary>Options of FromPretrained that change where and how the weights live.</summary>
public class PretrainedOptionsTests
{
    [SkippableFact]
    public void Float64_load_runs_in_float64_and_still_matches_HF()
    {
        string path = SharedData.RequireFixture("distilbert-tiny-seqcls");
        using var scope = NewDisposeScope();
        using var golden = SafetensorsFile.Open(Path.Combine(path, "golden.safetensors"));
        using var model = DistilBertForSequenceClassification.FromPretrained(path, new PretrainedOptions { DType = ScalarType.Float64 });
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        using var noGrad = no_grad();
        var logits = model.call(new ModelInputs(golden.ReadTensor("input_ids"), golden.ReadTensor("attention_mask"))).Logits!;
        Assert.Equal(ScalarType.Float64, logits.dtype);
        TensorAssert.Close(golden.ReadTensor("logits"), logits, 1e-5, what: "float64 logits");
    }
}
