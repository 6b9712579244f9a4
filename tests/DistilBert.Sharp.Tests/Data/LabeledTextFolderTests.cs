using System.Text;
using DistilBert.Sharp.Data;
using DistilBert.Sharp.Tests.Infrastructure;

namespace DistilBert.Sharp.Tests.Data;

public sealed class LabeledTextFolderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private void Write(string label, string name, string text)
    {
        Directory.CreateDirectory(_dir.Combine("train", label));
        File.WriteAllText(_dir.Combine("train", label, name), text, new UTF8Encoding(false));
    }

    [Fact]
    public void Loads_every_file_with_its_folder_label_in_file_name_then_label_order()
    {
        Write("pos", "1_7.txt", "good");
        Write("neg", "1_3.txt", "bad");
        Write("pos", "0_9.txt", "great");
        Write("neg", "10_1.txt", "awful");

        var data = LabeledTextFolder.Load(_dir.Combine("train"), ["neg", "pos"]);

        // Ordinal file-name order ("0_9" < "10_1" < "1_3" < "1_7"); equal names would be ordered neg before pos.
        Assert.Equal(["pos/0_9.txt", "neg/10_1.txt", "neg/1_3.txt", "pos/1_7.txt"], data.Select(d => d.Id));
        Assert.Equal([1, 0, 0, 1], data.Select(d => d.Label));
        Assert.Equal(["great", "awful", "bad", "good"], data.Select(d => d.Text));
        Assert.Equal(_dir.Combine("train", "pos", "0_9.txt"), data[0].Source);
    }

    [Fact]
    public void Same_file_name_in_two_labels_is_ordered_by_label()
    {
        Write("pos", "0_1.txt", "p");
        Write("neg", "0_1.txt", "n");
        var data = LabeledTextFolder.Load(_dir.Combine("train"), ["neg", "pos"]);
        Assert.Equal([("n", 0), ("p", 1)], data.Select(d => (d.Text, d.Label)));
    }

    [Fact]
    public void Text_is_decoded_as_UTF8_and_a_BOM_is_dropped()
    {
        Directory.CreateDirectory(_dir.Combine("train", "pos"));
        Directory.CreateDirectory(_dir.Combine("train", "neg"));
        File.WriteAllBytes(_dir.Combine("train", "pos", "a.txt"), [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("Caf\u00e9 \u2014 ok")]);
        var data = LabeledTextFolder.Load(_dir.Combine("train"), ["neg", "pos"]);
        Assert.Equal("Caf\u00e9 \u2014 ok", Assert.Single(data).Text);
    }

    [Fact]
    public void Invalid_UTF8_names_the_file()
    {
        Directory.CreateDirectory(_dir.Combine("train", "neg"));
        File.WriteAllBytes(_dir.Combine("train", "neg", "latin1.txt"), [0x43, 0x61, 0x66, 0xE9, 0x20, 0x21]);
        var ex = Assert.Throws<InvalidDataException>(() => LabeledTextFolder.Load(_dir.Combine("train"), ["neg"]));
        Assert.Contains("latin1.txt", ex.Message);
    }

    [Fact]
    public void Missing_label_folder_is_named()
    {
        Write("neg", "0_1.txt", "bad");
        var ex = Assert.Throws<DirectoryNotFoundException>(() => LabeledTextFolder.Load(_dir.Combine("train"), ["neg", "pos"]));
        Assert.Contains(_dir.Combine("train", "pos"), ex.Message);
        Assert.Contains("'pos'", ex.Message);
    }

    [Fact]
    public void Missing_split_folder_is_named()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => LabeledTextFolder.Load(_dir.Combine("test"), ["neg", "pos"]));
        Assert.Contains(_dir.Combine("test"), ex.Message);
    }
}
