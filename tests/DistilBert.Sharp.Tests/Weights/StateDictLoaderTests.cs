using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Weights;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace DistilBert.Sharp.Tests.Weights;

public class StateDictLoaderTests
{
    private static readonly StateDictLoadOptions Distil = new() { BasePrefix = "distilbert" };
    private static readonly string[] HeadKeys = ["classifier.bias", "classifier.weight", "pre_classifier.bias", "pre_classifier.weight"];

    private static Dictionary<string, torch.Tensor> Snapshot(torch.nn.Module m) =>
        m.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());

    private static void AssertAllEqual(torch.nn.Module model, Func<string, string?> sourceKey, IReadOnlyDictionary<string, torch.Tensor> source)
    {
        foreach (var (key, value) in model.state_dict())
        {
            string? sk = sourceKey(key);
            if (sk is null) continue;
            Assert.True(value.eq(source[sk]).all().item<bool>(), $"{key} differs from checkpoint key {sk}");
        }
    }

    [Fact]
    public void Base_checkpoint_into_head_model_reports_exactly_the_head_as_newly_initialized()
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        var cfg = new MimicConfig();
        var source = Snapshot(new MimicDistilBertModel(cfg));
        source["embeddings.position_ids"] = torch.arange(cfg.MaxPositions).unsqueeze(0); // legacy buffer in old checkpoints
        CheckpointWriter.Save(dir.Path, source);

        var model = new MimicSeqCls(cfg);
        var headBefore = model.classifier.weight!.detach().clone();
        var logger = new ListLogger();
        var report = StateDictLoader.Load(model, dir.Path, Distil with { Logger = logger, ModelName = "DistilBertForSequenceClassification" });

        Assert.True(report.RemovedPrefixFromModel);
        Assert.Equal(HeadKeys, report.MissingKeys.Order());
        Assert.Empty(report.UnexpectedKeys);
        Assert.Equal(["embeddings.position_ids"], report.IgnoredKeys);
        Assert.Equal(source.Count - 1, report.LoadedKeys.Count);
        AssertAllEqual(model, k => k.StartsWith("distilbert.") ? k["distilbert.".Length..] : null, source);
        Assert.True(model.classifier.weight!.eq(headBefore).all().item<bool>(), "the head keeps its initialisation");

        var warning = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("Some weights of DistilBertForSequenceClassification were not initialized from the model checkpoint at", warning.Message);
        Assert.Contains("newly initialized: [", warning.Message);
        foreach (var k in HeadKeys) Assert.Contains(k, warning.Message);
    }

    [Fact]
    public void Head_checkpoint_into_base_model_reports_the_head_as_unexpected()
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        var cfg = new MimicConfig();
        var source = Snapshot(new MimicSeqCls(cfg));
        CheckpointWriter.Save(dir.Path, source);

        var model = new MimicDistilBertModel(cfg);
        var logger = new ListLogger();
        var report = StateDictLoader.Load(model, dir.Path, Distil with { Logger = logger, ModelName = "DistilBertModel" });

        Assert.True(report.AddedPrefixToModel);
        Assert.Empty(report.MissingKeys);
        Assert.Equal(HeadKeys, report.UnexpectedKeys.Order());
        AssertAllEqual(model, k => "distilbert." + k, source);
        var warning = Assert.Single(logger.Entries);
        Assert.Contains("were not used when initializing DistilBertModel", warning.Message);
        Assert.Contains("classifier.weight", warning.Message);
    }

    [Fact]
    public void Same_layout_loads_everything_and_logs_nothing()
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        var cfg = new MimicConfig();
        var source = Snapshot(new MimicSeqCls(cfg));
        CheckpointWriter.Save(dir.Path, source);
        var model = new MimicSeqCls(cfg);
        var logger = new ListLogger();
        var report = StateDictLoader.Load(model, dir.Path, Distil with { Logger = logger, Strict = true });
        Assert.Empty(report.MissingKeys);
        Assert.Empty(report.UnexpectedKeys);
        Assert.False(report.RemovedPrefixFromModel || report.AddedPrefixToModel);
        Assert.Empty(logger.Entries);
        AssertAllEqual(model, k => k, source);
    }

    [Fact]
    public void Tied_projector_may_be_absent_and_receives_the_word_embeddings()
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        var cfg = new MimicConfig();
        var source = Snapshot(new MimicMaskedLM(cfg));
        source.Remove("vocab_projector.weight"); // HF stores tied weights once
        CheckpointWriter.Save(dir.Path, source);

        var model = new MimicMaskedLM(cfg);
        var report = StateDictLoader.Load(model, dir.Path, Distil with { Strict = true });
        Assert.Empty(report.MissingKeys);
        Assert.Equal(["vocab_projector.weight"], report.TiedOrAllowedMissingKeys);
        Assert.True(model.vocab_projector.weight!.eq(source["distilbert.embeddings.word_embeddings.weight"]).all().item<bool>());
    }

    [Fact]
    public void Allowed_missing_patterns_are_not_reported()
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        var cfg = new MimicConfig();
        var source = Snapshot(new MimicSeqCls(cfg));
        source.Remove("classifier.bias");
        CheckpointWriter.Save(dir.Path, source);
        var report = StateDictLoader.Load(new MimicSeqCls(cfg), dir.Path, Distil with { AllowedMissingKeys = [@"^classifier\.bias$"] });
        Assert.Empty(report.MissingKeys);
        Assert.Equal(["classifier.bias"], report.TiedOrAllowedMissingKeys);
    }

    [Fact]
    public void Strict_mode_throws_before_touching_the_model()
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        var cfg = new MimicConfig();
        CheckpointWriter.Save(dir.Path, Snapshot(new MimicDistilBertModel(cfg)));
        var model = new MimicSeqCls(cfg);
        var before = Snapshot(model);
        var ex = Assert.Throws<StateDictMismatchException>(() => StateDictLoader.Load(model, dir.Path, Distil with { Strict = true }));
        Assert.Equal(HeadKeys, ex.MissingKeys.Order());
        Assert.Contains("classifier.weight", ex.Message);
        AssertAllEqual(model, k => k, before);
    }

    [Fact]
    public void Shape_mismatch_always_throws_naming_the_key_and_both_shapes()
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        var source = Snapshot(new MimicSeqCls(new MimicConfig(Labels: 5)));
        CheckpointWriter.Save(dir.Path, source);
        var model = new MimicSeqCls(new MimicConfig(Labels: 3));
        var before = Snapshot(model);
        var ex = Assert.Throws<StateDictMismatchException>(() => StateDictLoader.Load(model, dir.Path, Distil));
        Assert.Contains("'classifier.weight'", ex.Message);
        Assert.Contains("[5, 8]", ex.Message);
        Assert.Contains("[3, 8]", ex.Message);
        Assert.Equal(2, ex.ShapeMismatches.Count); // weight and bias
        AssertAllEqual(model, k => k, before);
    }

    [Fact]
    public void Loading_records_no_autograd_history_and_converts_F16_and_legacy_gamma_beta()
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        var cfg = new MimicConfig();
        var source = Snapshot(new MimicDistilBertModel(cfg));
        var stored = new Dictionary<string, torch.Tensor>();
        foreach (var (k, v) in source)
        {
            string key = k.EndsWith("LayerNorm.weight") ? k[..^7] + ".gamma" : k.EndsWith("LayerNorm.bias") ? k[..^5] + ".beta" : k;
            stored[key] = v.to_type(torch.ScalarType.Float16);
        }
        CheckpointWriter.Save(dir.Path, stored);

        var model = new MimicDistilBertModel(cfg);
        var report = StateDictLoader.Load(model, dir.Path, Distil);
        Assert.Empty(report.MissingKeys);
        Assert.Empty(report.UnexpectedKeys);
        foreach (var (key, p) in model.named_parameters())
        {
            Assert.True(p.requires_grad, key);
            Assert.True(p.is_leaf, key);
            Assert.Equal(torch.ScalarType.Float32, p.dtype);
            Assert.True(p.eq(source[key].to_type(torch.ScalarType.Float16).to_type(torch.ScalarType.Float32)).all().item<bool>(), key);
        }
    }

    [SkippableFact]
    public void HF_fixtures_base_into_head_and_head_into_base()
    {
        string basePath = SharedData.RequireFixture("distilbert-tiny-base");
        string headPath = SharedData.RequireFixture("distilbert-tiny-seqcls");
        using var scope = torch.NewDisposeScope();
        var cfg = new MimicConfig(Vocab: 99, Dim: 32, Hidden: 64, MaxPositions: 40, Layers: 2, Labels: 3);

        var head = new MimicSeqCls(cfg);
        var r1 = StateDictLoader.Load(head, basePath, Distil);
        Assert.Equal(HeadKeys, r1.MissingKeys.Order());
        Assert.Empty(r1.UnexpectedKeys);
        using (var ckpt = CheckpointReader.Open(basePath))
            Assert.True(head.distilbert.transformer.layer[1].ffn.lin2.weight!.eq(ckpt.ReadTensor("transformer.layer.1.ffn.lin2.weight")).all().item<bool>());

        var baseModel = new MimicDistilBertModel(cfg);
        var r2 = StateDictLoader.Load(baseModel, headPath, Distil);
        Assert.Empty(r2.MissingKeys);
        Assert.Equal(HeadKeys, r2.UnexpectedKeys.Order());
    }

    [SkippableFact]
    public void HF_masked_LM_fixture_loads_strictly_into_a_tied_model()
    {
        string path = SharedData.RequireFixture("distilbert-tiny-mlm");
        using var scope = torch.NewDisposeScope();
        var model = new MimicMaskedLM(new MimicConfig(Vocab: 99, Dim: 32, Hidden: 64, MaxPositions: 40, Layers: 2));
        var report = StateDictLoader.Load(model, path, Distil with { Strict = true });
        Assert.Empty(report.MissingKeys);
        Assert.Empty(report.UnexpectedKeys);
        using var ckpt = CheckpointReader.Open(path);
        var words = ckpt.ReadTensor("distilbert.embeddings.word_embeddings.weight");
        Assert.True(model.vocab_projector.weight!.eq(words).all().item<bool>());
        Assert.True(model.vocab_projector.bias!.eq(ckpt.ReadTensor("vocab_projector.bias")).all().item<bool>());
    }

    [SkippableFact]
    public void Real_minilm_checkpoint_into_a_head_model_reports_exactly_the_head()
    {
        string path = SharedData.RequireModel("minilm-l6-h384-distilbert");
        using var scope = torch.NewDisposeScope();
        var cfg = new MimicConfig(Vocab: 30522, Dim: 384, Hidden: 1536, MaxPositions: 512, Layers: 6, Labels: 2);
        var model = new MimicSeqCls(cfg);
        var logger = new ListLogger();
        var report = StateDictLoader.Load(model, path, Distil with { Logger = logger, ModelName = "DistilBertForSequenceClassification", CheckpointName = "minilm" });
        Assert.Equal(HeadKeys, report.MissingKeys.Order());
        Assert.Empty(report.UnexpectedKeys);
        Assert.Contains("at minilm and are newly initialized", Assert.Single(logger.Entries).Message);
    }
}
