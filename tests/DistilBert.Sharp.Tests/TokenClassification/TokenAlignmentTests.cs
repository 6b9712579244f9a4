using DistilBert.Sharp.Data;
using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Tests.Tokenization;
using TorchSharp;

namespace DistilBert.Sharp.Tests.TokenClassification;

/// <summary>HF run_ner.py's tokenize_and_align_labels, DataCollatorForTokenClassification and the CoNLL reader, by hand.</summary>
public class TokenAlignmentTests
{
    private static readonly string[] Labels = ["B-PER", "I-PER", "O"]; // ids 0, 1, 2

    [Fact]
    public void First_sub_token_gets_the_word_label_the_rest_and_special_tokens_get_minus_100()
    {
        using var dir = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(dir, modelMaxLength: 64);
        // [CLS] hello | un ##aff ##able | play ##ing | ! [SEP]  → word ids: -, 0, 1, 1, 1, 2, 2, 3, -
        var sentence = new LabeledWords(["Hello", "unaffable", "playing", "!"], ["B-PER", "I-PER", "O", "O"]);
        var plain = TokenClassificationDataset.FromWords([sentence], tokenizer, Labels);
        Assert.Equal(new long[] { -100, 0, 1, -100, -100, 2, -100, 2, -100 }, plain[0].Labels);
        var all = TokenClassificationDataset.FromWords([sentence], tokenizer, Labels, new TokenClassificationOptions { LabelAllTokens = true });
        Assert.Equal(new long[] { -100, 0, 1, 1, 1, 2, 2, 2, -100 }, all[0].Labels);
    }

    [Fact]
    public void Label_all_tokens_turns_B_into_I_for_later_sub_tokens_when_the_I_label_exists()
    {
        using var dir = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(dir, modelMaxLength: 64);
        var options = new TokenClassificationOptions { LabelAllTokens = true };
        var withInside = TokenClassificationDataset.FromWords([new LabeledWords(["unaffable"], ["B-PER"])], tokenizer, Labels, options);
        Assert.Equal(new long[] { -100, 0, 1, 1, -100 }, withInside[0].Labels);
        // No I-LOC in the list: the B-LOC id is kept.
        var noInside = TokenClassificationDataset.FromWords([new LabeledWords(["unaffable"], ["B-LOC"])], tokenizer, ["B-LOC", "O"], options);
        Assert.Equal(new long[] { -100, 0, 0, 0, -100 }, noInside[0].Labels);
    }

    [Fact]
    public void Truncation_drops_the_labels_of_words_past_max_length()
    {
        using var dir = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(dir, modelMaxLength: 64);
        var ds = TokenClassificationDataset.FromWords([new LabeledWords(["hello", "unaffable", "world"], ["B-PER", "O", "O"])], tokenizer, Labels,
            new TokenClassificationOptions { MaxLength = 4 });
        // [CLS] hello un [SEP]
        Assert.Equal(new long[] { -100, 0, 2, -100 }, ds[0].Labels);
    }

    [Fact]
    public void Label_list_is_sorted_ordinally_like_python_sorted_set()
    {
        var list = TokenClassificationDataset.GetLabelList([new LabeledWords(["a", "b"], ["O", "I-PER"]), new LabeledWords(["c"], ["B-PER"])]);
        Assert.Equal(["B-PER", "I-PER", "O"], list);
    }

    [Fact]
    public void Bad_examples_are_refused_naming_the_example_and_word()
    {
        using var dir = new TempDirectory();
        var tokenizer = TinyVocabulary.Create(dir, modelMaxLength: 64);
        var good = new LabeledWords(["hello"], ["O"]);
        var mismatch = Assert.Throws<ArgumentException>(() =>
            TokenClassificationDataset.FromWords([good, new LabeledWords(["hello", "world"], ["O"])], tokenizer, Labels));
        Assert.Contains("Example 1 has 2 words but 1 labels", mismatch.Message);
        var unknown = Assert.Throws<ArgumentException>(() =>
            TokenClassificationDataset.FromWords([good, good, new LabeledWords(["hello", "world"], ["O", "B-LOC"])], tokenizer, Labels));
        Assert.Contains("Example 2: word 1 ('world') has label 'B-LOC'", unknown.Message);
    }

    [Fact]
    public void Collator_pads_ids_with_pad_and_labels_with_minus_100()
    {
        torch.manual_seed(0);
        var collator = new DataCollatorForTokenClassification(padTokenId: 0);
        using var scope = torch.NewDisposeScope();
        var batch = collator.Collate([new TokenClassificationExample([2, 5, 3], [-100, 1, -100]), new TokenClassificationExample([2, 5, 6, 7, 3], [-100, 0, 2, 1, -100])]);
        Assert.Equal(new long[] { 2, 5 }, batch.Labels!.shape);
        Assert.Equal(new long[] { -100, 1, -100, -100, -100, -100, 0, 2, 1, -100 }, batch.Labels.data<long>().ToArray());
        Assert.Equal(new long[] { 2, 5, 3, 0, 0, 2, 5, 6, 7, 3 }, batch.InputIds.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 1, 1, 0, 0, 1, 1, 1, 1, 1 }, batch.AttentionMask!.data<long>().ToArray());
        Assert.Throws<ArgumentException>(() => collator.Collate([new TokenClassificationExample([2, 3], [-100])]));
        Assert.Contains("TextClassificationExample", Assert.Throws<ArgumentException>(() => collator.Collate([new TextClassificationExample([2, 3], 1)])).Message);
    }

    [Fact]
    public async Task Conll_reader_splits_sentences_at_blank_lines_takes_the_last_column_and_skips_docstart()
    {
        const string text = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nPeter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n";
        var sentences = await ConllReader.ReadAsync(new StringReader(text));
        Assert.Equal(2, sentences.Count);
        Assert.Equal(["EU", "rejects"], sentences[0].Words);
        Assert.Equal(["B-ORG", "O"], sentences[0].Labels!);
        Assert.Equal(["B-PER", "I-PER"], sentences[1].Labels!);
        var bad = await Assert.ThrowsAsync<InvalidDataException>(() => ConllReader.ReadAsync(new StringReader("EU B-ORG\nlonely\n"), "train.txt"));
        Assert.Contains("train.txt, line 2", bad.Message);
    }
}
