using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DurableTask.Converters;

namespace EeFunctions.DurableTask;

/// <summary>The one payload converter of the worker and the client, so each reads back exactly what the other wrote.</summary>
public static class DurableJson
{
    /// <summary>
    /// Web defaults (camelCase), plus named literals: raster payloads carry no-data values and statistics that are NaN or
    /// infinite, and plain JSON has no literal for them.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static JsonDataConverter Converter { get; } = new(Options);
}
