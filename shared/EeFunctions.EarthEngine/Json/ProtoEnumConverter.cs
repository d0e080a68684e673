using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EeFunctions.EarthEngine.Json;

/// <summary>The wire name of an enum member (proto enum value name, e.g. <c>MEAN</c>).</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class ProtoNameAttribute(string name, params string[] aliases) : Attribute
{
    public string Name { get; } = name;

    /// <summary>Other spellings accepted on input (e.g. <c>FLOAT32</c> for <c>FLOAT</c>).</summary>
    public IReadOnlyList<string> Aliases { get; } = aliases;
}

/// <summary>Enums as their proto names on output; names (any case, plus aliases) or integers on input.</summary>
public sealed class ProtoEnumConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(ProtoEnumConverter<>).MakeGenericType(typeToConvert))!;
}

internal sealed class ProtoEnumConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<string, TEnum> s_byName;
    private static readonly FrozenDictionary<TEnum, string> s_toName;

    static ProtoEnumConverter()
    {
        var byName = new Dictionary<string, TEnum>(StringComparer.OrdinalIgnoreCase);
        var toName = new Dictionary<TEnum, string>();
        foreach (var field in typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var value = (TEnum)field.GetValue(null)!;
            var attribute = field.GetCustomAttribute<ProtoNameAttribute>();
            var name = attribute?.Name ?? field.Name;
            toName[value] = name;
            byName[name] = value;
            foreach (var alias in attribute?.Aliases ?? [])
            {
                byName[alias] = value;
            }
        }

        s_byName = byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        s_toName = toName.ToFrozenDictionary();
    }

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && s_byName.TryGetValue(reader.GetString()!, out var named))
        {
            return named;
        }

        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number) && Enum.IsDefined(typeof(TEnum), number))
        {
            return (TEnum)Enum.ToObject(typeof(TEnum), number);
        }

        var given = reader.TokenType == JsonTokenType.String ? $"\"{reader.GetString()}\"" : reader.TokenType.ToString();
        throw new JsonException($"Invalid value for enum type {typeof(TEnum).Name}: {given} (expected one of {string.Join(", ", s_toName.Values)}).");
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(s_toName.TryGetValue(value, out var name) ? name : value.ToString());
    }
}
