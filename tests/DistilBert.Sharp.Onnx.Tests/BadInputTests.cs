using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using TorchSharp;

namespace DistilBert.Sharp.Onnx.Tests;

/// <summary>Each bad input gets a clear exception naming the thing, and no half-written folder.</summary>
[Collection(TorchRngCollection.Name)]
public class BadInputTests
{
    /// <summary>A model class the exporter has no description for.</summary>
    private sealed class UnknownModel : PreTrainedModel
    {
        private readonly DistilBertConfig _config = TinyModels.DistilBert();

        public UnknownModel() : base(nameof(UnknownModel)) { }

        public override PretrainedConfig Config => _config;

        public override ModelOutput forward(ModelInputs inputs) => throw new NotSupportedException();
    }

    [Fact]
    public void Unsupported_class_is_refused_naming_it_and_the_supported_ones()
    {
        using var dir = new TempDirectory();
        using var model = new UnknownModel();
        var ex = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(model, dir.Combine("onnx")));
        Assert.Contains(nameof(UnknownModel), ex.Message);
        Assert.Contains(nameof(BertForSequenceClassification), ex.Message);
        Assert.False(Directory.Exists(dir.Combine("onnx")));
    }

    [Fact]
    public void Model_on_another_device_is_refused_naming_the_parameter_and_device()
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Create(nameof(DistilBertForSequenceClassification));
        model.to(new torch.Device(DeviceType.META));
        var ex = Assert.Throws<InvalidOperationException>(() => OnnxExporter.Export(model, dir.Combine("onnx")));
        Assert.Contains("meta", ex.Message);
        Assert.Contains("distilbert.embeddings.word_embeddings.weight", ex.Message);
        Assert.False(Directory.Exists(dir.Combine("onnx")));
    }

    [Fact]
    public void Existing_folder_is_refused_unless_overwrite_and_then_replaced_whole()
    {
        using var dir = new TempDirectory();
        string target = dir.Combine("onnx");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "user data");
        using var model = TinyModels.Create(nameof(DistilBertModel));
        var ex = Assert.Throws<IOException>(() => OnnxExporter.Export(model, target));
        Assert.Contains(target, ex.Message);
        Assert.Equal("user data", File.ReadAllText(Path.Combine(target, "keep.txt")));

        // A leftover of an interrupted export (hidden staging folder) is cleaned up by the next export.
        Directory.CreateDirectory(dir.Combine($".onnx.{Guid.NewGuid():N}.saving"));
        OnnxExporter.Export(model, target, new OnnxExportOptions { Overwrite = true });
        Assert.False(File.Exists(Path.Combine(target, "keep.txt")));
        Assert.True(File.Exists(Path.Combine(target, "model.onnx")));
        Assert.Equal(["onnx"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_swap_interrupted_between_its_two_renames_gets_the_old_folder_back()
    {
        using var dir = new TempDirectory();
        string old = dir.Combine($".onnx.{Guid.NewGuid():N}.replaced");
        Directory.CreateDirectory(old);
        File.WriteAllText(Path.Combine(old, "model.onnx"), "old");
        using var model = TinyModels.Create(nameof(DistilBertModel));
        // The target is missing, its old copy survives: the export restores it and refuses to replace it silently.
        Assert.Throws<IOException>(() => OnnxExporter.Export(model, dir.Combine("onnx")));
        Assert.Equal("old", File.ReadAllText(dir.Combine("onnx", "model.onnx")));
    }

    [Fact]
    public void Bad_opset_and_missing_tokenizer_source_are_refused_before_anything_is_written()
    {
        using var dir = new TempDirectory();
        using var model = TinyModels.Create(nameof(DistilBertModel));
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExporter.Export(model, dir.Combine("a"), new OnnxExportOptions { Opset = 13 }));
        var ex = Assert.Throws<DirectoryNotFoundException>(() => OnnxExporter.Export(model, dir.Combine("b"), new OnnxExportOptions { TokenizerSource = dir.Combine("nope") }));
        Assert.Contains("nope", ex.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Pipeline_on_a_folder_without_model_onnx_names_the_path()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("config.json"), "{}");
        var ex = Assert.Throws<FileNotFoundException>(() => new OnnxTextClassificationPipeline(dir.Path));
        Assert.Equal(dir.Combine("model.onnx"), ex.FileName);
        Assert.Contains(dir.Path, ex.Message);
        Assert.Throws<DirectoryNotFoundException>(() => new OnnxTextClassificationPipeline(dir.Combine("missing")));
    }
}
