using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using EeFunctions.EarthEngine.Errors;

namespace EeFunctions.EarthEngine.Json;

/// <summary>
/// The proto3 JSON mapping Earth Engine clients speak: lowerCamelCase out and in, snake_case accepted in,
/// int64 as strings out (string or number in), wrappers bare or <c>{"value": x}</c>, RFC 3339 timestamps,
/// enums by name, <c>null</c> meaning "default", and an unknown field rejected with a 400 that names it.
/// </summary>
public static class EeJson
{
    /// <summary>The options for every Earth Engine request and response body.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Parses a request body; any problem is an INVALID_ARGUMENT <see cref="EarthEngineException"/>.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json)
        where T : class, new()
    {
        if (utf8Json.IsEmpty || utf8Json.Trim((byte)' ').IsEmpty)
        {
            return new T();
        }

        try
        {
            return JsonSerializer.Deserialize<T>(utf8Json, Options) ?? new T();
        }
        catch (JsonException ex)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, DescribeJsonError(ex));
        }
    }

    /// <summary>Reads a request body stream and parses it as <see cref="Deserialize{T}(ReadOnlySpan{byte})"/>.</summary>
    public static async Task<T> DeserializeAsync<T>(Stream body, long maxBytes, CancellationToken cancellationToken)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(body);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Request payload size exceeds the limit: {maxBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Google's wording for a bad payload, with the field path in snake_case as its front end prints it.</summary>
    internal static string DescribeJsonError(JsonException ex)
    {
        var path = ToProtoPath(ex.Path);
        var message = ex.Message;
        const string Unmapped = "could not be mapped to any .NET member";
        if (message.Contains(Unmapped, StringComparison.Ordinal))
        {
            var start = message.IndexOf('\'', StringComparison.Ordinal);
            var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
            var name = start >= 0 && end > start ? message[(start + 1)..end] : "?";
            var parent = path.Contains('.', StringComparison.Ordinal) ? path[..path.LastIndexOf('.')] : string.Empty;
            return parent.Length == 0
                ? $"Invalid JSON payload received. Unknown name \"{name}\": Cannot find field."
                : $"Invalid JSON payload received. Unknown name \"{name}\" at '{parent}': Cannot find field.";
        }

        if (message.StartsWith("Invalid value for", StringComparison.Ordinal))
        {
            return path.Length == 0 ? $"Invalid JSON payload received. {message}" : $"Invalid JSON payload received. {message} at '{path}'.";
        }

        return path.Length == 0
            ? "Invalid JSON payload received. The body is not valid JSON."
            : $"Invalid JSON payload received. Unexpected value at '{path}'.";
    }

    /// <summary><c>$.imageManifest.tilesets[0].sources</c> → <c>image_manifest.tilesets[0].sources</c>.</summary>
    internal static string ToProtoPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath))
        {
            return string.Empty;
        }

        var trimmed = jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
        return ToSnakeCase(trimmed);
    }

    internal static string ToSnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                sb.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNameCaseInsensitive = false,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            NumberHandling = JsonNumberHandling.Strict,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { AcceptSnakeCaseNames } },
        };
        options.Converters.Add(new Int64Converter());
        options.Converters.Add(new Int32Converter());
        options.Converters.Add(new DoubleConverter());
        options.Converters.Add(new BooleanConverter());
        options.Converters.Add(new TimestampConverter());
        options.Converters.Add(new DurationConverter());
        options.Converters.Add(new ProtoEnumConverterFactory());
        options.MakeReadOnly(populateMissingResolver: false);
        return options;
    }

    /// <summary>Adds a write-only snake_case twin of every camelCase property, so both spellings parse.</summary>
    private static void AcceptSnakeCaseNames(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        var twins = new List<JsonPropertyInfo>();
        foreach (var property in typeInfo.Properties)
        {
            var snake = ToSnakeCase(property.Name);
            if (snake == property.Name || property.Set is null)
            {
                continue;
            }

            var twin = typeInfo.CreateJsonPropertyInfo(property.PropertyType, snake);
            twin.Set = property.Set;
            twin.Get = null;
            twin.CustomConverter = property.CustomConverter;
            twins.Add(twin);
        }

        foreach (var twin in twins)
        {
            typeInfo.Properties.Add(twin);
        }
    }
}
