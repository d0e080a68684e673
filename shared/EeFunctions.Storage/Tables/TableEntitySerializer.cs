using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text.Json;
using Azure;

namespace EeFunctions.Storage.Tables;

/// <summary>
/// Entities to and from the table service's JSON: types the service would not infer (Int64, Double, DateTime,
/// Guid, Binary) carry an <c>@odata.type</c> annotation on write, and annotations are read back (minimal metadata),
/// so values round-trip with their types. Works on <see cref="TableEntity"/> and on plain classes implementing
/// <see cref="ITableEntity"/> (public read/write properties; <see cref="IgnoreDataMemberAttribute"/> and
/// <see cref="DataMemberAttribute.Name"/> honoured).
/// </summary>
internal static class TableEntitySerializer
{
    private const string TypeAnnotation = "@odata.type";

    private static readonly ConcurrentDictionary<Type, EntityProperty[]> s_properties = new();

    /// <summary>The entity as the JSON body of an insert, update or merge.</summary>
    public static byte[] Serialize(ITableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(TableEntity.PartitionKeyName, entity.PartitionKey ?? throw new ArgumentException("The entity has no PartitionKey.", nameof(entity)));
            writer.WriteString(TableEntity.RowKeyName, entity.RowKey ?? throw new ArgumentException("The entity has no RowKey.", nameof(entity)));
            foreach (var (name, value) in GetProperties(entity))
            {
                if (value is not null)
                {
                    WriteProperty(writer, name, value);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The entity's custom properties (not the keys, timestamp or ETag).</summary>
    public static IEnumerable<KeyValuePair<string, object?>> GetProperties(ITableEntity entity)
    {
        if (entity is IDictionary<string, object?> dictionary)
        {
            return dictionary.Where(p => !IsSystemProperty(p.Key));
        }

        return PropertiesOf(entity.GetType())
            .Where(p => !IsSystemProperty(p.Name))
            .Select(p => new KeyValuePair<string, object?>(p.Name, p.Info.GetValue(entity)));
    }

    /// <summary>Reads one entity object of a response into <typeparamref name="T"/>.</summary>
    public static T Deserialize<T>(JsonElement element, ETag etagFromHeader = default)
        where T : class, ITableEntity, new()
    {
        var values = ReadProperties(element);
        var entity = new T();
        if (entity is IDictionary<string, object?> dictionary)
        {
            foreach (var (name, value) in values)
            {
                dictionary[name] = value;
            }
        }
        else
        {
            var byName = PropertiesOf(typeof(T)).ToDictionary(p => p.Name, StringComparer.Ordinal);
            foreach (var (name, value) in values)
            {
                if (value is not null && !IsSystemProperty(name) && byName.TryGetValue(name, out var property))
                {
                    property.Info.SetValue(entity, ConvertTo(value, property.Info.PropertyType, name));
                }
            }

            entity.PartitionKey = values.TryGetValue(TableEntity.PartitionKeyName, out var pk) ? pk as string ?? string.Empty : string.Empty;
            entity.RowKey = values.TryGetValue(TableEntity.RowKeyName, out var rk) ? rk as string ?? string.Empty : string.Empty;
            entity.Timestamp = values.TryGetValue(TableEntity.TimestampName, out var ts) ? ts as DateTimeOffset? : null;
        }

        entity.ETag = values.TryGetValue(TableEntity.ETagName, out var etag) && etag is string s ? new ETag(s) : etagFromHeader;
        return entity;
    }

    /// <summary>The properties of one JSON entity with their .NET types (system properties included; <c>odata.etag</c> kept).</summary>
    public static Dictionary<string, object?> ReadProperties(JsonElement element)
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name.EndsWith(TypeAnnotation, StringComparison.Ordinal) && property.Value.ValueKind == JsonValueKind.String)
            {
                annotations[property.Name[..^TypeAnnotation.Length]] = property.Value.GetString()!;
            }
        }

        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var name = property.Name;
            if (name == TableEntity.ETagName)
            {
                values[name] = property.Value.GetString();
            }
            else if (!name.StartsWith("odata.", StringComparison.Ordinal) && !name.Contains('@', StringComparison.Ordinal))
            {
                annotations.TryGetValue(name, out var edmType);
                if (edmType is null && name == TableEntity.TimestampName)
                {
                    edmType = "Edm.DateTime";
                }

                values[name] = ReadValue(property.Value, edmType, name);
            }
        }

        return values;
    }

    private static object? ReadValue(JsonElement value, string? edmType, string name)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        try
        {
            return edmType switch
            {
                "Edm.Int64" => value.ValueKind == JsonValueKind.String ? long.Parse(value.GetString()!, CultureInfo.InvariantCulture) : value.GetInt64(),
                "Edm.Int32" => value.ValueKind == JsonValueKind.String ? int.Parse(value.GetString()!, CultureInfo.InvariantCulture) : value.GetInt32(),
                "Edm.Double" => value.ValueKind == JsonValueKind.String ? double.Parse(value.GetString()!, CultureInfo.InvariantCulture) : value.GetDouble(),
                "Edm.DateTime" => DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                "Edm.Guid" => Guid.Parse(value.GetString()!, CultureInfo.InvariantCulture),
                "Edm.Binary" => Convert.FromBase64String(value.GetString()!),
                "Edm.Boolean" => value.GetBoolean(),
                "Edm.String" => value.GetString(),
                _ => value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number when value.TryGetInt32(out var i) && !IsFractionalLiteral(value) => i,
                    JsonValueKind.Number => value.GetDouble(),
                    _ => value.GetRawText(),
                },
            };
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or OverflowException)
        {
            throw new FormatException($"Table property '{name}' has a value that is not a valid {edmType ?? "JSON value"}: {value.GetRawText()}", ex);
        }
    }

    private static bool IsFractionalLiteral(JsonElement value)
    {
        var raw = value.GetRawText();
        return raw.Contains('.', StringComparison.Ordinal) || raw.Contains('e', StringComparison.OrdinalIgnoreCase);
    }

    private static void WriteProperty(Utf8JsonWriter writer, string name, object value)
    {
        switch (value)
        {
            case string s:
                writer.WriteString(name, s);
                break;
            case bool b:
                writer.WriteBoolean(name, b);
                break;
            case int or short or byte or sbyte or ushort:
                writer.WriteNumber(name, Convert.ToInt32(value, CultureInfo.InvariantCulture));
                break;
            case long or uint:
                writer.WriteString(name + TypeAnnotation, "Edm.Int64");
                writer.WriteString(name, Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            case double or float:
                var d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                writer.WriteString(name + TypeAnnotation, "Edm.Double");
                if (double.IsFinite(d))
                {
                    writer.WriteNumber(name, d);
                }
                else
                {
                    writer.WriteString(name, double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                }

                break;
            case DateTimeOffset dto:
                writer.WriteString(name + TypeAnnotation, "Edm.DateTime");
                writer.WriteString(name, FormatDateTime(dto));
                break;
            case DateTime dt:
                writer.WriteString(name + TypeAnnotation, "Edm.DateTime");
                writer.WriteString(name, FormatDateTime(ToDateTimeOffset(dt)));
                break;
            case Guid g:
                writer.WriteString(name + TypeAnnotation, "Edm.Guid");
                writer.WriteString(name, g.ToString("D"));
                break;
            case byte[] bytes:
                writer.WriteString(name + TypeAnnotation, "Edm.Binary");
                writer.WriteBase64String(name, bytes);
                break;
            case BinaryData data:
                writer.WriteString(name + TypeAnnotation, "Edm.Binary");
                writer.WriteBase64String(name, data.ToMemory().Span);
                break;
            case ReadOnlyMemory<byte> memory:
                writer.WriteString(name + TypeAnnotation, "Edm.Binary");
                writer.WriteBase64String(name, memory.Span);
                break;
            case Enum e:
                writer.WriteString(name, e.ToString());
                break;
            default:
                throw new NotSupportedException($"Table property '{name}' is a {value.GetType().Name}, which Azure Tables cannot store (use string, int, long, double, bool, DateTimeOffset, Guid or byte[]).");
        }
    }

    /// <summary>The service's DateTime format: UTC, 7 fractional digits, 'Z'.</summary>
    internal static string FormatDateTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ToDateTimeOffset(DateTime value) =>
        new(value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value.ToUniversalTime());

    private static bool IsSystemProperty(string name) =>
        name is TableEntity.PartitionKeyName or TableEntity.RowKeyName or TableEntity.TimestampName or TableEntity.ETagName or "ETag";

    private static object? ConvertTo(object value, Type target, string name)
    {
        var type = Nullable.GetUnderlyingType(target) ?? target;
        if (type.IsInstanceOfType(value))
        {
            return value;
        }

        try
        {
            return (value, type) switch
            {
                (_, _) when type == typeof(string) => Convert.ToString(value, CultureInfo.InvariantCulture),
                (long l, _) when type == typeof(int) => checked((int)l),
                (int i, _) when type == typeof(long) => (long)i,
                (int i, _) when type == typeof(double) => (double)i,
                (long l, _) when type == typeof(double) => (double)l,
                (DateTimeOffset d, _) when type == typeof(DateTime) => d.UtcDateTime,
                (DateTime d, _) when type == typeof(DateTimeOffset) => ToDateTimeOffset(d),
                (string s, _) when type == typeof(Guid) => Guid.Parse(s, CultureInfo.InvariantCulture),
                (byte[] b, _) when type == typeof(BinaryData) => BinaryData.FromBytes(b),
                (byte[] b, _) when type == typeof(ReadOnlyMemory<byte>) => new ReadOnlyMemory<byte>(b),
                (string s, _) when type.IsEnum => Enum.Parse(type, s),
                (int i, _) when type.IsEnum => Enum.ToObject(type, i),
                _ => throw new InvalidCastException(),
            };
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException or ArgumentException)
        {
            throw new InvalidOperationException($"Table property '{name}' holds a {value.GetType().Name}, which cannot be read into {target.Name}.", ex);
        }
    }

    private static EntityProperty[] PropertiesOf(Type type) =>
        s_properties.GetOrAdd(type, static t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<IgnoreDataMemberAttribute>() is null)
            .Select(p => new EntityProperty(p.GetCustomAttribute<DataMemberAttribute>()?.Name ?? p.Name, p))
            .ToArray());

    private sealed record EntityProperty(string Name, PropertyInfo Info);
}
