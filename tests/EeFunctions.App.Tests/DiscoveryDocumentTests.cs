using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EeFunctions.App.EarthEngine.Discovery;

namespace EeFunctions.App.Tests;

/// <summary>
/// The discovery document, rule by rule from what googleapiclient needs (reference §1.2): the stock Python client
/// cannot be installed here, so the document is checked structurally.
/// </summary>
public sealed partial class DiscoveryDocumentTests
{
    private const string Root = "http://ee.example:7071/";

    private static readonly string[] s_httpMethods = ["GET", "POST", "DELETE", "PATCH"];

    private static readonly string[] s_queryTypes = ["string", "integer", "boolean", "number"];

    public static TheoryData<string> Versions => new() { "v1", "v1beta", "v1alpha" };

    [Theory]
    [MemberData(nameof(Versions))]
    public void The_header_names_the_service_version_root_and_batch_path(string version)
    {
        var doc = DiscoveryDocument.Build(version, Root);
        Assert.Equal("discovery#restDescription", doc["kind"]!.GetValue<string>());
        Assert.Equal("v1", doc["discoveryVersion"]!.GetValue<string>());
        Assert.Equal("earthengine", doc["name"]!.GetValue<string>());
        Assert.Equal(version, doc["version"]!.GetValue<string>());
        Assert.Equal($"earthengine:{version}", doc["id"]!.GetValue<string>());
        Assert.Equal(Root, doc["rootUrl"]!.GetValue<string>());
        Assert.Equal(string.Empty, doc["servicePath"]!.GetValue<string>());
        Assert.Equal("batch", doc["batchPath"]!.GetValue<string>());
        Assert.Equal("query", doc["parameters"]!["prettyPrint"]!["location"]!.GetValue<string>());
        Assert.Equal("json", doc["parameters"]!["alt"]!["default"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Every_method_has_an_id_an_http_method_and_a_relative_path_under_its_version(string version)
    {
        var methods = Methods(DiscoveryDocument.Build(version, Root));
        Assert.Equal(DiscoveryMethods.All.Count, methods.Count);
        Assert.Equal(methods.Count, methods.Select(m => m.Method["id"]!.GetValue<string>()).Distinct().Count());
        foreach (var (key, method) in methods)
        {
            Assert.Equal($"earthengine.{key}", method["id"]!.GetValue<string>());
            Assert.Contains(method["httpMethod"]!.GetValue<string>(), s_httpMethods);
            var path = method["path"]!.GetValue<string>();
            Assert.StartsWith($"{version}/", path, StringComparison.Ordinal);
            Assert.False(path.StartsWith('/'), key);
            Assert.StartsWith($"{version}/projects/", method["flatPath"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Every_path_template_variable_is_a_required_path_parameter_with_a_pattern_and_every_other_parameter_is_a_typed_query_parameter(string version)
    {
        foreach (var (key, method) in Methods(DiscoveryDocument.Build(version, Root)))
        {
            var parameters = method["parameters"]!.AsObject();
            var variables = TemplateVariable().Matches(method["path"]!.GetValue<string>()).Select(m => m.Groups["name"].Value).ToList();
            Assert.NotEmpty(variables);
            foreach (var variable in variables)
            {
                var parameter = parameters[variable];
                Assert.True(parameter is not null, $"{key}: {{+{variable}}} has no parameter");
                Assert.Equal("path", parameter!["location"]!.GetValue<string>());
                Assert.True(parameter["required"]!.GetValue<bool>(), key);
                Assert.Equal("string", parameter["type"]!.GetValue<string>());
                var pattern = new Regex(parameter["pattern"]!.GetValue<string>());
                Assert.Matches(pattern, variable == "name" && key.Contains("operations", StringComparison.Ordinal) && !key.EndsWith(".list", StringComparison.Ordinal)
                    ? "projects/p/operations/ABC"
                    : key.Contains("assets", StringComparison.Ordinal) ? "projects/p/assets/a/b"
                    : key.EndsWith("thumbnails.getPixels", StringComparison.Ordinal) ? "projects/p/thumbnails/ABC" : "projects/p");
            }

            Assert.Equal(variables, method["parameterOrder"]!.AsArray().Select(n => n!.GetValue<string>()));
            foreach (var (name, parameter) in parameters.Where(p => !variables.Contains(p.Key)))
            {
                Assert.Equal("query", parameter!["location"]!.GetValue<string>());
                Assert.Contains(parameter["type"]!.GetValue<string>(), s_queryTypes);
                Assert.Null(parameter["required"]);
                _ = name;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Post_methods_declare_a_request_ref_and_every_method_declares_a_response_ref(string version)
    {
        foreach (var (key, method) in Methods(DiscoveryDocument.Build(version, Root)))
        {
            if (method["httpMethod"]!.GetValue<string>() is "POST" or "PATCH" or "PUT")
            {
                Assert.True(method["request"]?["$ref"] is not null, $"{key} takes a body but has no request $ref");
            }
            else
            {
                Assert.Null(method["request"]);
            }

            Assert.True(method["response"]?["$ref"] is not null, $"{key} has no response $ref");
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Every_ref_in_the_document_names_a_schema_that_exists_and_whose_id_is_its_name(string version)
    {
        var doc = DiscoveryDocument.Build(version, Root);
        var schemas = doc["schemas"]!.AsObject();
        Assert.True(schemas.Count > 100, $"only {schemas.Count} schemas");
        var refs = new List<string>();
        Collect(doc, refs);
        Assert.Contains("Operation", refs);
        Assert.Contains("ImportImageRequest", refs);
        foreach (var reference in refs)
        {
            Assert.True(schemas.ContainsKey(reference), $"$ref {reference} does not resolve");
        }

        foreach (var (name, schema) in schemas)
        {
            Assert.Equal(name, schema!["id"]!.GetValue<string>());
            Assert.Equal("object", schema["type"]!.GetValue<string>());
            foreach (var (field, property) in schema["properties"]!.AsObject())
            {
                Assert.True(property!["$ref"] is not null || property["type"] is not null, $"{name}.{field} has neither type nor $ref");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void List_methods_declare_pageToken_and_their_responses_declare_nextPageToken(string version)
    {
        var doc = DiscoveryDocument.Build(version, Root);
        var schemas = doc["schemas"]!.AsObject();
        var lists = 0;
        foreach (var (key, method) in Methods(doc))
        {
            var response = schemas[method["response"]!["$ref"]!.GetValue<string>()]!;
            var paged = response["properties"]!["nextPageToken"] is not null;
            var pageToken = method["parameters"]!["pageToken"];
            Assert.True(paged == (pageToken is not null), $"{key}: nextPageToken in response {paged}, pageToken parameter {pageToken is not null}");
            if (paged)
            {
                lists++;
                Assert.Equal("string", response["properties"]!["nextPageToken"]!["type"]!.GetValue<string>());
                Assert.Equal("query", pageToken!["location"]!.GetValue<string>());
                Assert.Equal("integer", method["parameters"]!["pageSize"]!["type"]!.GetValue<string>());
            }
        }

        Assert.True(lists >= 1, "operations.list is a paged list method");
    }

    [Fact]
    public void The_methods_clients_call_are_there_with_the_parameter_names_the_Python_client_passes()
    {
        var resources = DiscoveryDocument.Build("v1", Root)["resources"]!["projects"]!["resources"]!;
        var import = resources["image"]!["methods"]!["import"]!;
        Assert.Equal("v1/{+project}/image:import", import["path"]!.GetValue<string>());
        Assert.Equal("ImportImageRequest", import["request"]!["$ref"]!.GetValue<string>());
        Assert.Equal("Operation", import["response"]!["$ref"]!.GetValue<string>());
        var export = resources["image"]!["methods"]!["export"]!;
        Assert.Equal("v1/{+project}/image:export", export["path"]!.GetValue<string>());
        Assert.Equal("ExportImageRequest", export["request"]!["$ref"]!.GetValue<string>());
        Assert.Equal("Operation", export["response"]!["$ref"]!.GetValue<string>());
        var operations = resources["operations"]!["methods"]!;
        Assert.Equal("v1/{+name}/operations", operations["list"]!["path"]!.GetValue<string>());
        Assert.Equal("ListOperationsResponse", operations["list"]!["response"]!["$ref"]!.GetValue<string>());
        Assert.Equal("v1/{+name}", operations["get"]!["path"]!.GetValue<string>());
        Assert.Equal("v1/{+name}:cancel", operations["cancel"]!["path"]!.GetValue<string>());
        Assert.Equal("CancelOperationRequest", operations["cancel"]!["request"]!["$ref"]!.GetValue<string>());
        Assert.Equal("v1/{+parent}/algorithms", resources["algorithms"]!["methods"]!["list"]!["path"]!.GetValue<string>());
        Assert.Equal("v1/{+name}:getPixels", resources["assets"]!["methods"]!["getPixels"]!["path"]!.GetValue<string>());
    }

    [Fact]
    public void Scalars_follow_the_proto3_JSON_mapping()
    {
        var schemas = DiscoveryDocument.Build("v1", Root)["schemas"]!;
        void Is(string schema, string field, string type, string? format = null)
        {
            var property = schemas[schema]!["properties"]![field]!;
            Assert.True(property["type"]?.GetValue<string>() == type, $"{schema}.{field}: {property.ToJsonString()}");
            Assert.True(property["format"]?.GetValue<string>() == format, $"{schema}.{field}: {property.ToJsonString()}");
        }

        Is("EarthEngineAsset", "sizeBytes", "string", "int64");
        Is("ExportImageRequest", "maxPixels", "string", "int64");
        Is("Operation", "done", "boolean");
        Is("OperationMetadata", "progress", "number", "double");
        Is("OperationMetadata", "createTime", "string", "google-datetime");
        Is("TilesetBand", "tilesetBandIndex", "integer", "int32");
        Is("WaitOperationRequest", "timeout", "string", "google-duration");
        Is("ImageManifest", "name", "string");
        Is("Operation", "metadata", "object");
        Is("Status", "details", "array");
        var state = schemas["OperationMetadata"]!["properties"]!["state"]!;
        Assert.Equal("string", state["type"]!.GetValue<string>());
        Assert.Contains("SUCCEEDED", state["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(state["enum"]!.AsArray().Count, state["enumDescriptions"]!.AsArray().Count);
        Assert.Equal("string", schemas["ImageSource"]!["properties"]!["uris"]!["items"]!["type"]!.GetValue<string>());
        Assert.Equal("number", schemas["MissingData"]!["properties"]!["values"]!["items"]!["type"]!.GetValue<string>());
        Assert.Equal("ValueNode", schemas["Expression"]!["properties"]!["values"]!["additionalProperties"]!["$ref"]!.GetValue<string>());
    }

    private static List<(string Key, JsonObject Method)> Methods(JsonObject doc)
    {
        var methods = new List<(string, JsonObject)>();
        void Walk(JsonObject? resources, string prefix)
        {
            foreach (var (name, resource) in resources ?? [])
            {
                foreach (var (methodName, method) in resource!["methods"]?.AsObject() ?? [])
                {
                    methods.Add(($"{prefix}{name}.{methodName}", method!.AsObject()));
                }

                Walk(resource["resources"]?.AsObject(), $"{prefix}{name}.");
            }
        }

        Walk(doc["resources"]!.AsObject(), string.Empty);
        return methods;
    }

    private static void Collect(JsonNode? node, List<string> refs)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "$ref")
                    {
                        refs.Add(value!.GetValue<string>());
                    }
                    else
                    {
                        Collect(value, refs);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, refs);
                }

                break;
        }
    }

    [GeneratedRegex(@"\{\+?(?<name>[A-Za-z_.]+)\}")]
    private static partial Regex TemplateVariable();
}
