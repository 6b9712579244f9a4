using DistilBert.Sharp.Tests.Infrastructure;
using DistilBert.Sharp.Weights;
using TorchSharp;
using static DistilBert.Sharp.Tests.Weights.SafetensorsBytes;

namespace DistilBert.Sharp.Tests.Weights;

public class HeaderFuzzTests
{
    // Random byte flips, truncations and insertions in a valid file: every variant must either open (and then read
    // every tensor) or fail with SafetensorsFormatException — never another exception type, a crash or a hang.
    [Fact]
    public void Mutated_files_open_or_fail_with_the_format_exception_only()
    {
        string header = "{\"__metadata__\":{\"format\":\"pt\"}," +
            "\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}," +
            "\"b\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[16,24]}," +
            "\"c\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[24,30]}}";
        byte[] valid = Build(header, Raw(1f, 2f, 3f, 4f).Concat(Raw(5L)).Concat(Raw((Half)1, (Half)2, (Half)3)).ToArray());
        const string Alphabet = "{}[]\":,0123456789-.eE FIU8BOL_";
        var rng = new Random(20241125);
        using var dir = new TempDirectory();
        string path = dir.Combine("fuzz.safetensors");
        int opened = 0, rejected = 0;
        for (int i = 0; i < 400; i++)
        {
            byte[] bytes = (byte[])valid.Clone();
            switch (i % 4)
            {
                case 0: // flip a byte anywhere
                    bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
                    break;
                case 1: // replace a header character with a JSON-meaningful one
                    bytes[8 + rng.Next(header.Length)] = (byte)Alphabet[rng.Next(Alphabet.Length)];
                    break;
                case 2: // truncate
                    Array.Resize(ref bytes, rng.Next(bytes.Length));
                    break;
                default: // corrupt the length prefix
                    bytes[rng.Next(8)] = (byte)rng.Next(256);
                    break;
            }
            File.WriteAllBytes(path, bytes);
            try
            {
                using var file = SafetensorsFile.Open(path);
                using var scope = torch.NewDisposeScope();
                foreach (var name in file.Tensors.Keys) file.ReadTensor(name);
                opened++;
            }
            catch (SafetensorsFormatException)
            {
                rejected++;
            }
        }
        Assert.True(rejected > 100, $"only {rejected} of 400 mutations were rejected");
        Assert.True(opened > 0, "some mutations (e.g. inside tensor data) leave a valid file");
    }
}
