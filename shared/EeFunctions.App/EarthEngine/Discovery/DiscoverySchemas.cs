using System.Text.Json.Nodes;

namespace EeFunctions.App.EarthEngine.Discovery;

/// <summary>
/// The <c>schemas</c> section of the discovery document, generated from the field lists of the generated JS client
/// (embedded <c>earthengine-v1.schemas-from-js-client.json</c>): messages become <c>$ref</c>s, enums carry their
/// values, scalars get their JSON type from <see cref="DiscoveryFieldTypes"/>.
/// </summary>
internal static class DiscoverySchemas
{
    public const string ResourceName = "EeFunctions.App.EarthEngine.Discovery.earthengine-v1.schemas-from-js-client.json";

    private static readonly Lazy<JsonObject> s_schemas = new(() => AddV1AlphaOnly(Convert(Load())));

    /// <summary>A fresh copy of every schema, keyed by name.</summary>
    public static JsonObject Build() => (JsonObject)s_schemas.Value.DeepClone();

    private static JsonObject Load()
    {
        using var stream = typeof(DiscoverySchemas).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded in the assembly.");
        return JsonNode.Parse(stream)?["schemas"]?.AsObject() ?? throw new InvalidOperationException($"{ResourceName} has no schemas.");
    }

    private static JsonObject Convert(JsonObject source)
    {
        var schemas = new JsonObject();
        foreach (var (name, schema) in source)
        {
            var properties = new JsonObject();
            foreach (var (field, spec) in schema?["fields"]?.AsObject() ?? [])
            {
                properties[field] = Property(name, field, spec!.AsObject());
            }

            schemas[name] = new JsonObject { ["id"] = name, ["type"] = "object", ["description"] = string.Empty, ["properties"] = properties };
        }

        return schemas;
    }

    /// <summary>
    /// Messages of methods the JS client's v1 build does not know: <c>importExternal</c> is documented under v1alpha
    /// only, but served (and its document entry needed by the Python client) under every version.
    /// </summary>
    private static JsonObject AddV1AlphaOnly(JsonObject schemas)
    {
        schemas["ImportExternalImageRequest"] ??= new JsonObject
        {
            ["id"] = "ImportExternalImageRequest",
            ["type"] = "object",
            ["description"] = "Request message for ImageService.ImportExternalImage.",
            ["properties"] = new JsonObject
            {
                ["imageManifest"] = new JsonObject { ["$ref"] = "ImageManifest", ["description"] = "The image manifest." },
                ["overwrite"] = new JsonObject { ["type"] = "boolean", ["description"] = "Whether to overwrite an existing asset." },
            },
        };
        return schemas;
    }

    private static JsonObject Property(string schema, string field, JsonObject spec)
    {
        var kind = spec["kind"]?.GetValue<string>() ?? string.Empty;
        var property = DiscoveryFieldTypes.Structured(schema, field) ?? kind switch
        {
            "object" => Ref(spec["type"]!.GetValue<string>()),
            "array" => DiscoveryFieldTypes.Array(Ref(spec["of"]!.GetValue<string>())),
            "enum" => Enum(spec["values"]!.AsArray()),
            "map/struct" when spec["valueType"]?.GetValue<string>() is { } valueType => new JsonObject { ["type"] = "object", ["additionalProperties"] = Ref(valueType) },
            "map/struct" => DiscoveryFieldTypes.AnyObject(),
            _ => DiscoveryFieldTypes.Scalar(schema, field),
        };
        property["description"] = string.Empty;
        return property;
    }

    private static JsonObject Ref(string schema) => new() { ["$ref"] = schema };

    private static JsonObject Enum(JsonArray values)
    {
        var descriptions = new JsonArray();
        foreach (var _ in values)
        {
            descriptions.Add(string.Empty);
        }

        return new JsonObject { ["type"] = "string", ["enum"] = values.DeepClone(), ["enumDescriptions"] = descriptions };
    }
}
