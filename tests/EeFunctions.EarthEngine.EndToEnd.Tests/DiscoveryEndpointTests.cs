using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

[Collection(EeHostGroup.Name)]
public sealed partial class DiscoveryEndpointTests(EeHostFixture host)
{
    [Theory]
    [InlineData("v1")]
    [InlineData("v1beta")]
    [InlineData("v1alpha")]
    public async Task The_discovery_document_is_served_without_a_token_rooted_at_the_callers_base_url(string version)
    {
        using var client = host.Client(null);
        using var response = await client.GetAsync($"/$discovery/rest?version={version}&prettyPrint=false");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var doc = JsonNode.Parse(text)!;
        Assert.Equal($"earthengine:{version}", doc["id"]!.GetValue<string>());
        Assert.Equal(client.BaseAddress!.GetLeftPart(UriPartial.Authority) + "/", doc["rootUrl"]!.GetValue<string>());
        Assert.Equal("batch", doc["batchPath"]!.GetValue<string>());
        Assert.NotNull(doc["schemas"]!["Operation"]);
    }

    [Fact]
    public async Task An_unknown_version_is_NOT_FOUND_in_Googles_envelope()
    {
        using var client = host.Client(null);
        var (status, body) = await EeApi.GetAsync(client, "/$discovery/rest?version=v2");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("NOT_FOUND", body!["error"]!["status"]!.GetValue<string>());
        Assert.Equal(404, body["error"]!["code"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v1alpha")]
    public async Task Every_method_in_the_document_is_routed_at_its_path_and_asks_for_credentials(string version)
    {
        using var client = host.Client(null);
        var (_, doc) = await EeApi.GetAsync(client, $"/$discovery/rest?version={version}");
        var methods = new List<JsonObject>();
        Collect(doc!["resources"]!.AsObject(), methods);
        Assert.NotEmpty(methods);
        foreach (var method in methods)
        {
            var path = "/" + TemplateVariable().Replace(method["path"]!.GetValue<string>(), m =>
            {
                var pattern = method["parameters"]![m.Groups["name"].Value]!["pattern"]!.GetValue<string>();
                return pattern.Contains("operations", StringComparison.Ordinal) ? "projects/discovery/operations/AAAAAAAAAAAAAAAAAAAAAAAA"
                    : pattern.Contains("assets", StringComparison.Ordinal) ? "projects/discovery/assets/folder/image"
                    : pattern.Contains("thumbnails", StringComparison.Ordinal) ? "projects/discovery/thumbnails/AAAAAAAAAAAAAAAAAAAAAAAA"
                    : "projects/discovery";
            });
            using var request = new HttpRequestMessage(new HttpMethod(method["httpMethod"]!.GetValue<string>()), path);
            if (method["request"] is not null)
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (method["id"]!.GetValue<string>().EndsWith("thumbnails.getPixels", StringComparison.Ordinal))
            {
                // A thumbnail URL is its own capability (it works in an <img>): no credentials, and this one does not exist.
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method["id"]} {path}: {(int)response.StatusCode} {text}");
                continue;
            }

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method["id"]} {request.Method} {path}: {(int)response.StatusCode} {text}");
            Assert.Equal("UNAUTHENTICATED", JsonNode.Parse(text)!["error"]!["status"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Every_route_of_the_auth_matrix_is_a_method_of_the_document()
    {
        using var client = host.Client(null);
        var (_, doc) = await EeApi.GetAsync(client, "/$discovery/rest?version=v1");
        var methods = new List<JsonObject>();
        Collect(doc!["resources"]!.AsObject(), methods);
        var templates = methods.Select(m => (Verb: m["httpMethod"]!.GetValue<string>(), Pattern: PathRegex(m))).ToList();
        foreach (var row in AuthMatrixTests.Routes)
        {
            var (verb, path) = ((string)row[0], ((string)row[1]).Split('?')[0]);
            Assert.True(templates.Any(t => t.Verb == verb && t.Pattern.IsMatch(path)), $"{verb} {path} is routed but not in the discovery document");
        }
    }

    /// <summary><c>v1/{+name}:cancel</c> with name's pattern <c>^projects/[^/]+/operations/.+$</c> → <c>^/v1/projects/[^/]+/operations/.+:cancel$</c>.</summary>
    private static Regex PathRegex(JsonObject method)
    {
        var pieces = TemplateVariable().Split(method["path"]!.GetValue<string>());
        var pattern = new StringBuilder("^/");
        for (var i = 0; i < pieces.Length; i++)
        {
            pattern.Append(i % 2 == 0 ? Regex.Escape(pieces[i]) : method["parameters"]![pieces[i]]!["pattern"]!.GetValue<string>().TrimStart('^').TrimEnd('$'));
        }

        return new Regex(pattern.Append('$').ToString());
    }

    private static void Collect(JsonObject resources, List<JsonObject> methods)
    {
        foreach (var (_, resource) in resources)
        {
            methods.AddRange((resource!["methods"]?.AsObject() ?? []).Select(m => m.Value!.AsObject()));
            if (resource["resources"] is JsonObject children)
            {
                Collect(children, methods);
            }
        }
    }

    [GeneratedRegex(@"\{\+(?<name>[A-Za-z]+)\}")]
    private static partial Regex TemplateVariable();
}
