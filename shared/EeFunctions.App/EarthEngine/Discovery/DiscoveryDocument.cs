using System.Text.Json.Nodes;

namespace EeFunctions.App.EarthEngine.Discovery;

/// <summary>
/// The REST discovery document googleapiclient builds its method table from (reference §1.2): every implemented
/// method with id, httpMethod, relative path, parameters, request/response <c>$ref</c>s, and the schemas they name.
/// </summary>
internal static class DiscoveryDocument
{
    public static IReadOnlyList<string> Versions { get; } = ["v1", "v1beta", "v1alpha"];

    /// <summary>The document for <paramref name="version"/>, rooted at <paramref name="rootUrl"/> (ends with '/').</summary>
    public static JsonObject Build(string version, string rootUrl)
    {
        var resources = new JsonObject();
        foreach (var method in DiscoveryMethods.All)
        {
            var methods = MethodsOf(resources, method.Resource);
            methods[method.Name] = Method(version, method);
        }

        return new JsonObject
        {
            ["kind"] = "discovery#restDescription",
            ["discoveryVersion"] = "v1",
            ["id"] = $"earthengine:{version}",
            ["name"] = "earthengine",
            ["canonicalName"] = "Earth Engine",
            ["version"] = version,
            ["version_module"] = true,
            ["revision"] = "20250801",
            ["title"] = "Google Earth Engine API",
            ["description"] = "Self-hosted subset of the Earth Engine API.",
            ["ownerDomain"] = "google.com",
            ["ownerName"] = "Google",
            ["documentationLink"] = "https://developers.google.com/earth-engine",
            ["protocol"] = "rest",
            ["rootUrl"] = rootUrl,
            ["servicePath"] = string.Empty,
            ["basePath"] = string.Empty,
            ["baseUrl"] = rootUrl,
            ["batchPath"] = "batch",
            ["fullyEncodeReservedExpansion"] = true,
            ["parameters"] = StandardParameters(),
            ["auth"] = new JsonObject
            {
                ["oauth2"] = new JsonObject
                {
                    ["scopes"] = new JsonObject
                    {
                        ["https://www.googleapis.com/auth/earthengine"] = new JsonObject { ["description"] = "View and manage your Earth Engine data" },
                        ["https://www.googleapis.com/auth/cloud-platform"] = new JsonObject { ["description"] = "See, edit, configure, and delete your Google Cloud data" },
                    },
                },
            },
            ["resources"] = resources,
            ["schemas"] = DiscoverySchemas.Build(),
        };
    }

    private static JsonObject MethodsOf(JsonObject resources, string resourcePath)
    {
        var current = resources;
        JsonObject? resource = null;
        foreach (var segment in resourcePath.Split('.'))
        {
            resource = current[segment] as JsonObject ?? (JsonObject)(current[segment] = new JsonObject());
            current = resource["resources"] as JsonObject ?? (JsonObject)(resource["resources"] = new JsonObject());
        }

        return resource!["methods"] as JsonObject ?? (JsonObject)(resource["methods"] = new JsonObject());
    }

    private static JsonObject Method(string version, DiscoveryMethod method)
    {
        var parameters = new JsonObject
        {
            [method.PathParameter] = new JsonObject
            {
                ["description"] = string.Empty,
                ["location"] = "path",
                ["pattern"] = method.PathPattern,
                ["required"] = true,
                ["type"] = "string",
            },
        };
        foreach (var query in method.Query)
        {
            var parameter = new JsonObject { ["description"] = string.Empty, ["location"] = "query", ["type"] = query.Type };
            if (query.Format is not null)
            {
                parameter["format"] = query.Format;
            }

            parameters[query.Name] = parameter;
        }

        var node = new JsonObject
        {
            ["id"] = method.Id,
            ["httpMethod"] = method.HttpMethod,
            ["path"] = $"{version}/{method.Path}",
            ["flatPath"] = $"{version}/{method.FlatPath}",
            ["description"] = string.Empty,
            ["parameters"] = parameters,
            ["parameterOrder"] = new JsonArray(method.PathParameter),
            ["scopes"] = new JsonArray("https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/earthengine"),
        };
        if (method.Request is not null)
        {
            node["request"] = new JsonObject { ["$ref"] = method.Request };
        }

        if (method.Response is not null)
        {
            node["response"] = new JsonObject { ["$ref"] = method.Response };
        }

        return node;
    }

    /// <summary>The standard query parameters every Google API accepts (reference §1.3).</summary>
    private static JsonObject StandardParameters()
    {
        static JsonObject Query(string type = "string", string? defaultValue = null, params string[] values)
        {
            var node = new JsonObject { ["description"] = string.Empty, ["location"] = "query", ["type"] = type };
            if (defaultValue is not null)
            {
                node["default"] = defaultValue;
            }

            if (values.Length > 0)
            {
                var list = new JsonArray();
                var descriptions = new JsonArray();
                foreach (var value in values)
                {
                    list.Add(value);
                    descriptions.Add(string.Empty);
                }

                node["enum"] = list;
                node["enumDescriptions"] = descriptions;
            }

            return node;
        }

        return new JsonObject
        {
            ["$.xgafv"] = Query("string", null, "1", "2"),
            ["access_token"] = Query(),
            ["alt"] = Query("string", "json", "json", "media", "proto"),
            ["callback"] = Query(),
            ["fields"] = Query(),
            ["key"] = Query(),
            ["oauth_token"] = Query(),
            ["prettyPrint"] = Query("boolean", "true"),
            ["quotaUser"] = Query(),
            ["uploadType"] = Query(),
            ["upload_protocol"] = Query(),
        };
    }
}
