using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EeFunctions.EarthEngine.Json;

/// <summary>
/// int64 fields: written as JSON strings (proto3 JSON); read from a string or a number, and — for the
/// <c>Int64Value</c> wrapper fields the Python client sends as objects — from <c>{"value": x}</c>.
/// </summary>
public sealed class Int64Converter : JsonConverter<long>
{
    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        WrapperReader.Read(ref reader, "int64", static (ref Utf8JsonReader r) => r.TokenType switch
        {
            JsonTokenType.Number when r.TryGetInt64(out var n) => n,
            JsonTokenType.Number when r.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9.2e18 => (long)d,
            JsonTokenType.String when long.TryParse(r.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) => s,
            _ => throw new JsonException("Invalid value for int64: expected an integer (as a number or a string)."),
        });

    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
    }
}

/// <summary>int32 fields: a number (or numeric string); wrapper fields also accept <c>{"value": x}</c>.</summary>
public sealed class Int32Converter : JsonConverter<int>
{
    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        WrapperReader.Read(ref reader, "int32", static (ref Utf8JsonReader r) => r.TokenType switch
        {
            JsonTokenType.Number when r.TryGetInt32(out var n) => n,
            JsonTokenType.String when int.TryParse(r.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) => s,
            _ => throw new JsonException("Invalid value for int32: expected an integer."),
        });

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumberValue(value);
    }
}

/// <summary>double fields: a number, or the strings <c>NaN</c>/<c>Infinity</c>/<c>-Infinity</c>; wrappers also <c>{"value": x}</c>.</summary>
public sealed class DoubleConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        WrapperReader.Read(ref reader, "double", static (ref Utf8JsonReader r) => r.TokenType switch
        {
            JsonTokenType.Number => r.GetDouble(),
            JsonTokenType.String => r.GetString() switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                var s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                _ => throw new JsonException("Invalid value for double: expected a number."),
            },
            _ => throw new JsonException("Invalid value for double: expected a number."),
        });

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (double.IsNaN(value))
        {
            writer.WriteStringValue("NaN");
        }
        else if (double.IsInfinity(value))
        {
            writer.WriteStringValue(value > 0 ? "Infinity" : "-Infinity");
        }
        else
        {
            writer.WriteNumberValue(value);
        }
    }
}

/// <summary>bool fields: <c>true</c>/<c>false</c>; wrappers also <c>{"value": x}</c>.</summary>
public sealed class BooleanConverter : JsonConverter<bool>
{
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        WrapperReader.Read(ref reader, "bool", static (ref Utf8JsonReader r) => r.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw new JsonException("Invalid value for bool: expected true or false."),
        });

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteBooleanValue(value);
    }
}

internal static class WrapperReader
{
    public delegate T ScalarReader<T>(ref Utf8JsonReader reader);

    /// <summary>Reads a scalar, or the wrapper object <c>{"value": scalar}</c>.</summary>
    public static T Read<T>(ref Utf8JsonReader reader, string typeName, ScalarReader<T> scalar)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return scalar(ref reader);
        }

        reader.Read();
        if (reader.TokenType != JsonTokenType.PropertyName || reader.GetString() != "value")
        {
            throw new JsonException($"Invalid value for {typeName}: an object must be a wrapper {{\"value\": ...}}.");
        }

        reader.Read();
        var value = scalar(ref reader);
        reader.Read();
        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException($"Invalid value for {typeName}: a wrapper has only the field \"value\".");
        }

        return value;
    }
}
