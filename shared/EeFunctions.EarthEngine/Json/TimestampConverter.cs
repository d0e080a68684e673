using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EeFunctions.EarthEngine.Json;

/// <summary>
/// <c>google.protobuf.Timestamp</c>: RFC 3339 out, normalised to UTC with 0, 3, 6 or 9 fractional digits;
/// in, any offset, or the <c>{"seconds": n, "nanos": n}</c> form the manifest guide shows.
/// </summary>
public sealed class TimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var text = reader.GetString()!;
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed) && text.Contains('T', StringComparison.OrdinalIgnoreCase))
            {
                return parsed;
            }

            throw new JsonException($"Invalid value for Timestamp: \"{text}\" is not an RFC 3339 time such as 2024-01-31T12:00:00Z.");
        }

        if (reader.TokenType == JsonTokenType.StartObject)
        {
            long seconds = 0;
            long nanos = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                var value = reader.TokenType == JsonTokenType.String ? long.Parse(reader.GetString()!, CultureInfo.InvariantCulture) : reader.GetInt64();
                switch (name)
                {
                    case "seconds":
                        seconds = value;
                        break;
                    case "nanos":
                        nanos = value;
                        break;
                    default:
                        throw new JsonException($"Invalid value for Timestamp: unknown field \"{name}\".");
                }
            }

            return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanos / 100);
        }

        throw new JsonException("Invalid value for Timestamp: expected an RFC 3339 string.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Format(value));
    }

    /// <summary>RFC 3339 in UTC with the shortest of 0, 3, 6 or 9 fractional digits that is exact.</summary>
    public static string Format(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        var ticks = utc.Ticks % TimeSpan.TicksPerSecond;
        var format = ticks == 0 ? "yyyy-MM-ddTHH:mm:ss" : ticks % 10_000 == 0 ? "yyyy-MM-ddTHH:mm:ss.fff" : ticks % 10 == 0 ? "yyyy-MM-ddTHH:mm:ss.ffffff" : "yyyy-MM-ddTHH:mm:ss.fffffff00";
        return utc.ToString(format, CultureInfo.InvariantCulture) + "Z";
    }
}
