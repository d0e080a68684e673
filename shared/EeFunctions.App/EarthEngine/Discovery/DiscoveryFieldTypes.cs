using System.Text.Json.Nodes;

namespace EeFunctions.App.EarthEngine.Discovery;

/// <summary>
/// The JSON types of the fields the generated JS client records only as "scalar" (reference §3): proto3 JSON
/// mapping (int64 as strings, doubles as numbers, Timestamp/Duration/FieldMask as formatted strings, Struct/Value
/// as any), and the repeated scalars. A field not listed is a string. Keys are <c>Schema.field</c> or a bare field
/// name that means the same in every schema.
/// </summary>
internal static class DiscoveryFieldTypes
{
    private static readonly Dictionary<string, Func<JsonObject>> s_types = Build();

    /// <summary>The discovery property for a scalar field (a fresh node each call).</summary>
    public static JsonObject Scalar(string schema, string field)
    {
        if (s_types.TryGetValue($"{schema}.{field}", out var qualified) || s_types.TryGetValue(field, out qualified))
        {
            return qualified();
        }

        return Type("string");
    }

    /// <summary>Fields the JS client records as maps or structs that are not <c>map&lt;string, message&gt;</c>.</summary>
    public static JsonObject? Structured(string schema, string field) => $"{schema}.{field}" switch
    {
        "Status.details" or "HttpBody.extensions" => Array(AnyObject()),
        "Operation.metadata" or "Operation.response" => AnyObject(),
        "TfRecordImageExportOptions.tensorDepths" => new JsonObject { ["type"] = "object", ["additionalProperties"] = Type("integer", "int32") },
        _ => null,
    };

    public static JsonObject AnyObject() => new() { ["type"] = "object", ["additionalProperties"] = Type("any") };

    private static Dictionary<string, Func<JsonObject>> Build()
    {
        var types = new Dictionary<string, Func<JsonObject>>(StringComparer.Ordinal);
        void Add(Func<JsonObject> type, params string[] fields)
        {
            foreach (var field in fields)
            {
                types[field] = type;
            }
        }

        Add(() => Type("boolean"), "append", "cloudOptimized", "collapseBands", "compress", "deprecated", "done", "geodesic", "hidden", "ignoreChildExemptions", "isDirectAuth", "optional", "overwrite", "preview", "pseudoRandomTiebreaking", "sequenceData", "skipEmpty", "skipEmptyFiles", "skipMetadataRead", "prerenderTiles", "vpcServiceControlsRestricted");
        Add(() => Type("integer", "int32"), "attempt", "code", "dimensionsCount", "endZoom", "startZoom", "height", "width", "maxFeaturesPerTile", "maxFrames", "maxPrerenderZoom", "maxVertices", "maxWorkers", "minFeaturesPerTile", "minVerticesPerTile", "neighborDepth", "priority", "requestedPolicyVersion", "scale", "shardCount", "ZoomSubset.start", "ZoomSubset.end", "stride", "tileSize", "tilesetBandIndex", "Policy.version", "tilesPerFile", "pageSize");
        Add(() => Type("string", "int64"), "assetCount", "maxAssets", "sizeBytes", "maxSizeBytes", "featureCount", "maxPixels", "completeWorkUnits", "totalWorkUnits", "integerValue", "headerSizeBytes", "maxPixelsPerFrame", "firstTileIndex");
        Add(() => Type("number", "double"), "scaleX", "shearX", "translateX", "shearY", "scaleY", "translateY", "x", "y", "min", "max", "gamma", "opacity", "progress", "batchEecuUsageSeconds", "floatValue", "maxErrorMeters", "maxMaskedRatio", "TfRecordImageExportOptions.defaultValue", "framesPerSecond", "minTileAreaRatio");
        Add(() => Type("any"), "constantValue", "AlgorithmArgument.defaultValue");
        Add(AnyObject, "Feature.geometry", "Feature.properties");
        Add(() => Type("string", "google-datetime"), "createTime", "updateTime", "startTime", "endTime", "creationTime", "periodEndTime", "expiryTime");
        Add(() => Type("string", "google-duration"), "timeout");
        Add(() => Type("string", "google-fieldmask"), "updateMask");
        Add(() => Type("string", "byte"), "bytesValue", "HttpBody.data", "etag");
        Add(() => Array(Type("string")), "argumentNames", "bandIds", "bucketCorsUris", "destinationUris", "exemptedMembers", "members", "paths", "permissions", "selectors", "uris", "paletteColors", "Rule.in", "Rule.notIn", "Condition.values");
        Add(() => Array(Type("number", "double")), "MissingData.values");
        Add(() => Array(Type("integer", "int32")), "fileIndexes");
        return types;
    }

    public static JsonObject Type(string type, string? format = null)
    {
        var node = new JsonObject { ["type"] = type };
        if (format is not null)
        {
            node["format"] = format;
        }

        return node;
    }

    public static JsonObject Array(JsonObject items) => new() { ["type"] = "array", ["items"] = items };
}
