using DistilBert.Sharp.Data;
using DistilBert.Sharp.Tests.Infrastructure;

namespace DistilBert.Sharp.Tests.FirstHour;

/// <summary>Issue #17, defect 10: CSV and JSON Lines loaders with named columns, quoting, label mapping and line-numbered errors.</summary>
public class LabeledTextFileTests
{
    [Fact]
    public void Csv_reads_columns_by_name_with_quoted_fields_and_maps_string_labels_in_sorted_order()
    {
        using var temp = new TempDirectory();
        string path = temp.Combine("reviews.csv");
        File.WriteAllText(path,
            "id,label,review\n" +
            "1,positive,\"Great, truly great.\"\n" +
            "2,negative,\"He said \"\"meh\"\" and left\"\n" +
            "3,neutral,\"two\nlines\"\n" +
            "4,positive,plain\n");
        var data = LabeledTextFile.Load(path, new LabeledTextFileOptions { TextColumn = "review" });
        Assert.Equal(["negative", "neutral", "positive"], data.LabelNames); // HF run_glue: sorted distinct labels
        Assert.Equal(["Great, truly great.", "He said \"meh\" and left", "two\nlines", "plain"], data.Examples.Select(e => e.Text));
        Assert.Equal([2, 0, 1, 2], data.Examples.Select(e => e.Label));
        Assert.Equal(["line 2", "line 3", "line 4", "line 6"], data.Examples.Select(e => e.Id)); // the quoted line break counts
        Assert.All(data.Examples, e => Assert.Equal(path, e.Source));
    }

    [Fact]
    public void Integer_labels_sort_numerically_and_validation_files_reuse_the_train_label_names()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("train.tsv"), "text\tlabel\na\t10\nb\t2\nc\t2\n");
        var train = LabeledTextFile.Load(temp.Combine("train.tsv"));
        Assert.Equal(["2", "10"], train.LabelNames);
        Assert.Equal([1, 0, 0], train.Examples.Select(e => e.Label));

        File.WriteAllText(temp.Combine("valid.jsonl"), "{\"text\": \"x\", \"label\": 10}\n\n{\"text\": \"y\", \"label\": \"2\"}\n");
        var valid = LabeledTextFile.Load(temp.Combine("valid.jsonl"), new LabeledTextFileOptions { LabelNames = train.LabelNames });
        Assert.Equal([1, 0], valid.Examples.Select(e => e.Label));
        Assert.Equal(["line 1", "line 3"], valid.Examples.Select(e => e.Id));

        File.WriteAllText(temp.Combine("test.jsonl"), "{\"text\": \"x\", \"label\": 10}\n{\"text\": \"z\", \"label\": 7}\n");
        var ex = Assert.Throws<InvalidDataException>(() => LabeledTextFile.Load(temp.Combine("test.jsonl"), new LabeledTextFileOptions { LabelNames = train.LabelNames }));
        Assert.Contains($"{temp.Combine("test.jsonl")}, line 2", ex.Message);
        Assert.Contains("'7'", ex.Message);
    }

    [Fact]
    public void Jsonl_reads_configurable_keys()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("d.jsonl"), "{\"sentence\": \"good\", \"y\": \"pos\", \"extra\": 1}\n{\"sentence\": \"bad\", \"y\": \"neg\"}\n");
        var data = LabeledTextFile.Load(temp.Combine("d.jsonl"), new LabeledTextFileOptions { TextColumn = "sentence", LabelColumn = "y" });
        Assert.Equal(["neg", "pos"], data.LabelNames);
        Assert.Equal([("good", 1), ("bad", 0)], data.Examples.Select(e => (e.Text, e.Label)));
    }

    [Theory]
    [InlineData("d.csv", "text,label\na,1\nb\n", "line 3")]                        // a row with a missing field
    [InlineData("d.csv", "sentence,label\na,1\n", "line 1")]                       // no text column: names the columns
    [InlineData("d.csv", "text,label\na,1\nb,\n", "line 3")]                        // empty label
    [InlineData("d.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 1\n", "line 2")] // broken JSON
    [InlineData("d.jsonl", "{\"text\": \"a\"}\n", "line 1")]                        // no label key
    [InlineData("d.jsonl", "{\"text\": \"a\", \"label\": 1.5}\n", "line 1")]         // not a label
    public void Malformed_files_fail_with_the_file_and_line(string name, string content, string where)
    {
        using var temp = new TempDirectory();
        string path = temp.Combine(name);
        File.WriteAllText(path, content);
        var ex = Assert.Throws<InvalidDataException>(() => LabeledTextFile.Load(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains(where, ex.Message);
    }

    [Fact]
    public void Missing_file_unknown_extension_and_bad_encoding_are_clear_errors()
    {
        using var temp = new TempDirectory();
        Assert.Contains(temp.Combine("nope.csv"), Assert.Throws<FileNotFoundException>(() => LabeledTextFile.Load(temp.Combine("nope.csv"))).Message);
        File.WriteAllText(temp.Combine("d.parquet"), "x");
        Assert.Throws<NotSupportedException>(() => LabeledTextFile.Load(temp.Combine("d.parquet")));
        File.WriteAllBytes(temp.Combine("latin1.csv"), [.. "text,label\ncaf"u8, 0xE9, .. ",1\n"u8]);
        var ex = Assert.Throws<InvalidDataException>(() => LabeledTextFile.Load(temp.Combine("latin1.csv")));
        Assert.Contains("UTF-8", ex.Message);
    }
}
