using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EeFunctions.Durable;

/// <summary>Turns inputs, outputs, event payloads and custom statuses into the strings stored in history and messages.</summary>
public abstract class DataConverter
{
    /// <summary>Serializes <paramref name="value"/>; null stays null.</summary>
    public abstract string? Serialize(object? value);

    /// <summary>Deserializes <paramref name="data"/> into <paramref name="targetType"/>; null gives the type's default.</summary>
    public abstract object? Deserialize(string? data, Type targetType);

    /// <summary>Deserializes <paramref name="data"/> into <typeparamref name="T"/>.</summary>
    public virtual T? Deserialize<T>(string? data) => (T?)Deserialize(data, typeof(T));
}

/// <summary>
/// The default converter: System.Text.Json with camelCase names (the web defaults), and NaN/±Infinity written as the JSON
/// strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>.
/// </summary>
public sealed class JsonDataConverter : DataConverter
{
    private readonly JsonSerializerOptions _options;

    /// <summary>Creates a converter with <paramref name="options"/>, or the defaults described on the class when null.</summary>
    public JsonDataConverter(JsonSerializerOptions? options = null)
    {
        // Raster payloads carry no-data values and statistics that are NaN or infinite; plain JSON has no literal for them,
        // so without named literals an orchestration or activity holding one fails when its payload is written.
        _options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
    }

    /// <summary>A shared instance with the default options.</summary>
    public static JsonDataConverter Default { get; } = new();

    /// <inheritdoc />
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The service is not trimmed.")]
    public override string? Serialize(object? value) =>
        value is null ? null : JsonSerializer.Serialize(value, value.GetType(), _options);

    /// <inheritdoc />
    public override object? Deserialize(string? data, Type targetType)
    {
        ArgumentNullException.ThrowIfNull(targetType);
        if (data is null)
        {
            return targetType.IsValueType ? Activator.CreateInstance(targetType) : null;
        }

        return JsonSerializer.Deserialize(data, targetType, _options);
    }
}
