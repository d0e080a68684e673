using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EeFunctions.EarthEngine.Json;

/// <summary><c>google.protobuf.Duration</c>: <c>"3.5s"</c>.</summary>
public sealed class DurationConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("Invalid value for Duration: expected a string such as \"30s\".");
        if (text.EndsWith('s') && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds <= 315_576_000_000)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        throw new JsonException($"Invalid value for Duration: \"{text}\" (expected seconds with an 's' suffix, such as \"30s\" or \"3.5s\").");
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.TotalSeconds.ToString("0.#########", CultureInfo.InvariantCulture) + "s");
    }
}
