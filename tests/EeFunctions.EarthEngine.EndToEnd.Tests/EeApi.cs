using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>HTTP helpers over the EE routes.</summary>
internal static class EeApi
{
    public static JsonObject Manifest(string project, string asset, string uri, string? crs = null, JsonArray? bands = null, string? policy = null)
    {
        var tileset = new JsonObject { ["id"] = "ts", ["sources"] = new JsonArray(new JsonObject { ["uris"] = new JsonArray(uri) }) };
        if (crs is not null)
        {
            tileset["crs"] = crs;
        }

        var manifest = new JsonObject { ["name"] = $"projects/{project}/assets/{asset}", ["tilesets"] = new JsonArray(tileset) };
        if (bands is not null)
        {
            manifest["bands"] = bands;
        }

        if (policy is not null)
        {
            manifest["pyramidingPolicy"] = policy;
        }

        return manifest;
    }

    public static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> PostAsync(HttpClient client, string path, object body)
    {
        var text = body as string ?? JsonSerializer.Serialize(body);
        using var content = new StringContent(text, Encoding.UTF8, "application/json");
        var response = await client.PostAsync(path, content);
        var raw = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, raw.Length == 0 ? null : SafeParse(raw), response);
    }

    public static async Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var raw = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, raw.Length == 0 ? null : SafeParse(raw));
    }

    public static async Task<JsonNode> ImportAsync(HttpClient client, string project, JsonObject manifest, string? requestId = null, bool? overwrite = null)
    {
        var body = new JsonObject { ["imageManifest"] = manifest };
        if (requestId is not null)
        {
            body["requestId"] = requestId;
        }

        if (overwrite is not null)
        {
            body["overwrite"] = overwrite;
        }

        var (status, json, response) = await PostAsync(client, $"/v1/projects/{project}/image:import", body);
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, $"{status}: {json}");
        return json!;
    }

    public static async Task<JsonNode> PollAsync(HttpClient client, string operationName, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(3));
        while (true)
        {
            var (status, json) = await GetAsync(client, $"/v1/{operationName}");
            Assert.True(status == HttpStatusCode.OK, $"{status}: {json}");
            if (json!["done"]?.GetValue<bool>() == true)
            {
                return json;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Operation {operationName} not done in time: {json}");
            await Task.Delay(200);
        }
    }

    /// <summary>Polls the Durable API (system key) until the instance is Completed, for up to 2 minutes.</summary>
    public static async Task WaitForDurableCompletionAsync(EeHostFixture host, string instanceId)
    {
        using var system = host.Client(null);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var (_, status) = await GetAsync(system, $"/runtime/webhooks/durabletask/instances/{instanceId}?code={EeHostFixture.SystemKey}");
            if (status?["runtimeStatus"]?.GetValue<string>() == "Completed")
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{instanceId}: {status?.ToJsonString() ?? "no such instance"}");
            await Task.Delay(100);
        }
    }

    public static string State(JsonNode operation) => operation["metadata"]!["state"]!.GetValue<string>();

    private static JsonNode? SafeParse(string raw)
    {
        try
        {
            return JsonNode.Parse(raw);
        }
        catch (JsonException)
        {
            return JsonValue.Create(raw);
        }
    }
}
