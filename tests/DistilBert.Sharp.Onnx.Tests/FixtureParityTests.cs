using DistilBert.Sharp.Modeling;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Weights;
using Microsoft.ML.OnnxRuntime;

namespace DistilBert.Sharp.Onnx.Tests;

/// <summary>
/// The golden HF fixtures and the real MiniLM encoder: the exported float32 graph in ONNX Runtime matches the library's
/// float32 output within 1e-4 (batch 1, and batch 8 with padding), and matches HF's golden output on its own inputs.
/// </summary>
public class FixtureParityTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Folders => new()
    {
        "distilbert-tiny-seqcls", "distilbert-tiny-regression-sinusoidal-relu", "distilbert-tiny-multilabel",
        "distilbert-tiny-mlm", "distilbert-tiny-base", "bert-tiny-seqcls", "bert-tiny-base",
    };

    private static PreTrainedModel Load(string folder, string path) => folder switch
    {
        "distilbert-tiny-mlm" => DistilBertForMaskedLM.FromPretrained(path),
        "distilbert-tiny-base" => DistilBertModel.FromPretrained(path),
        "bert-tiny-seqcls" => BertForSequenceClassification.FromPretrained(path),
        "bert-tiny-base" => BertModel.FromPretrained(path),
        _ => DistilBertForSequenceClassification.FromPretrained(path),
    };

    [SkippableTheory]
    [MemberData(nameof(Folders))]
    public void Exported_graph_matches_the_library_and_HF_golden(string folder)
    {
        string path = SharedData.RequireFixture(folder);
        using var dir = new TempDirectory();
        using var model = Load(folder, path);
        var result = OnnxExporter.Export(model, dir.Combine("onnx"));
        var (rows, types) = GoldenRows(Path.Combine(path, "golden.safetensors"));

        foreach (var (batchRows, batchTypes) in new[] { ([rows[0]], types is null ? null : [types[0]]), OnnxParity.BatchOfEight(rows, types) })
        {
            foreach (var (output, diff) in OnnxParity.Compare(model, result.ModelPath, batchRows, batchTypes))
            {
                log.WriteLine($"{folder} batch {batchRows.Length} {output}: max |ORT - TorchSharp| = {diff:G3}");
                Assert.True(diff <= Tolerance, $"{folder}, batch {batchRows.Length}, {output}: max |ORT - TorchSharp| = {diff:G3}");
            }
        }

        // Independent truth: HF's golden outputs for the golden (padded) inputs.
        using var golden = SafetensorsFile.Open(Path.Combine(path, "golden.safetensors"));
        using var session = new InferenceSession(result.ModelPath);
        var onnx = OnnxEncoderRunner.Run(session, rows, padId: 0, types);
        foreach (string name in new[] { "logits", "last_hidden_state", "pooler_output" }.Where(golden.Tensors.ContainsKey))
        {
            using var expected = golden.ReadTensor(name);
            double diff = OnnxParity.MaxAbsDiff(expected.data<float>().ToArray(), onnx[name].Data);
            log.WriteLine($"{folder} {name}: max |ORT - HF golden| = {diff:G3}");
            Assert.True(diff <= Tolerance, $"{folder}, {name}: max |ORT - HF golden| = {diff:G3}");
        }
    }

    [SkippableFact]
    public void Real_MiniLM_encoder_matches_the_library_at_batch_1_and_8()
    {
        string fixture = SharedData.RequireFixture("minilm-l6-h384-distilbert");
        string modelDir = SharedData.RequireModel("minilm-l6-h384-distilbert");
        using var dir = new TempDirectory();
        using var model = DistilBertModel.FromPretrained(modelDir);
        // The test compares outputs itself; skipping the built-in validation saves a session and a forward.
        var result = OnnxExporter.Export(model, dir.Combine("onnx"), new OnnxExportOptions { TokenizerSource = modelDir, Validate = false });
        var (rows, _) = GoldenRows(Path.Combine(fixture, "golden.safetensors"));
        Assert.Equal(8, rows.Length);
        // The golden reviews all fill 128 tokens: cut them to different lengths so the batch of 8 carries padding.
        int[] lengths = [128, 17, 64, 100, 5, 128, 90, 33];
        var padded = rows.Select((r, i) => r[..Math.Min(r.Length, lengths[i])]).ToArray();
        foreach (var batch in new[] { new[] { rows[0] }, padded })
        {
            double diff = OnnxParity.Compare(model, result.ModelPath, batch)["last_hidden_state"];
            log.WriteLine($"MiniLM batch {batch.Length}: max |ORT - TorchSharp| = {diff:G3}");
            Assert.True(diff <= Tolerance, $"MiniLM, batch {batch.Length}: max |ORT - TorchSharp| = {diff:G3}");
        }
        Assert.True(File.Exists(dir.Combine("onnx", "vocab.txt")));
    }

    /// <summary>The golden batch's rows without their padding (and token types for BERT).</summary>
    internal static (int[][] Rows, int[][]? Types) GoldenRows(string goldenPath)
    {
        using var golden = SafetensorsFile.Open(goldenPath);
        using var ids = golden.ReadTensor("input_ids");
        using var mask = golden.ReadTensor("attention_mask");
        long[] flatIds = ids.data<long>().ToArray(), flatMask = mask.data<long>().ToArray();
        long[]? flatTypes = null;
        if (golden.Tensors.ContainsKey("token_type_ids"))
        {
            using var types = golden.ReadTensor("token_type_ids");
            flatTypes = types.data<long>().ToArray();
        }
        int batch = (int)ids.shape[0], seq = (int)ids.shape[1];
        var rows = new int[batch][];
        var typeRows = flatTypes is null ? null : new int[batch][];
        for (int b = 0; b < batch; b++)
        {
            int length = (int)flatMask.AsSpan(b * seq, seq).ToArray().Sum();
            rows[b] = flatIds.AsSpan(b * seq, length).ToArray().Select(v => (int)v).ToArray();
            if (typeRows is not null) typeRows[b] = flatTypes!.AsSpan(b * seq, length).ToArray().Select(v => (int)v).ToArray();
        }
        return (rows, typeRows);
    }
}
