using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;

namespace DistilBert.Sharp.Training;

/// <summary>
/// Writes a <see cref="torch.Device"/> as its torch name (<c>"cpu"</c>, <c>"cuda"</c>, <c>"cuda:1"</c>) and reads it
/// back, so <c>training_args.json</c> keeps HF's string <c>device</c> while the C# property has the torch type.
/// </summary>
internal sealed class TorchDeviceJsonConverter : JsonConverter<torch.Device>
{
    public override torch.Device Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? name = reader.GetString();
        if (string.IsNullOrWhiteSpace(name)) throw new JsonException("device must name a torch device such as \"cpu\" or \"cuda\".");
        try
        {
            return new torch.Device(name);
        }
        catch (ArgumentException ex)
        {
            throw new JsonException($"device \"{name}\" is not a torch device name ({ex.Message}).", ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, torch.Device value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Name(value));

    /// <summary>The torch name of a device: <c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>.</summary>
    internal static string Name(torch.Device device) =>
        device.index < 0 ? device.type.ToString().ToLowerInvariant() : $"{device.type.ToString().ToLowerInvariant()}:{device.index}";
}
