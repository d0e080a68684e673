using System.Text;
using System.Text.Json.Nodes;
using EeFunctions.App.Health;
using EeFunctions.App.Http;
using EeFunctions.EarthEngine.Auth;
using EeFunctions.EarthEngine.Names;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace EeFunctions.Functions.Tests;

/// <summary>
/// The Functions app's entry points called directly, on the self-host's services and Durable client (the client a
/// Functions host would bind): they answer as the self-host's routes do.
/// </summary>
public sealed class EntryPointTests(SelfHost host) : IClassFixture<SelfHost>
{
    private const string Project = "fn-entry";

    [Fact]
    public async Task An_import_request_schedules_the_import_orchestration_under_the_instance_id_of_its_request_id()
    {
        var requestId = Guid.NewGuid().ToString("N");
        var body = $$"""{"imageManifest":{"name":"projects/{{Project}}/assets/img-{{requestId[..8]}}","tilesets":[{"sources":[{"uris":["gs://sources/byte.tif"]}]}]},"requestId":"{{requestId}}"}""";
        var http = Request("POST", $"/v1/projects/{Project}/image:import", body, "alice");

        await Functions().V1(http.Request, Client());

        var answer = Answer(http);
        Assert.True(http.Response.StatusCode == 200, answer.ToJsonString());
        var operationId = EeNames.OperationIdFor(Project, "alice", requestId);
        Assert.Equal($"projects/{Project}/operations/{operationId}", (string?)answer["name"]);
        var instance = await Client().GetInstanceAsync(EeNames.InstanceId(Project, operationId));
        Assert.NotNull(instance);
        Assert.Equal("EeImportImage", instance.Name);
        Assert.DoesNotContain("code=", http.Response.Headers.Location.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_request_gets_the_Earth_Engine_error_envelope()
    {
        var http = Request("POST", $"/v1beta/projects/{Project}/image:import", "{not json", "alice");

        await Functions().V1Beta(http.Request, Client());

        Assert.Equal(400, http.Response.StatusCode);
        var error = Answer(http)["error"]!;
        Assert.Equal(400, (int)error["code"]!);
        Assert.Equal("INVALID_ARGUMENT", (string?)error["status"]);
    }

    [Fact]
    public async Task A_request_without_a_token_is_unauthenticated_in_the_envelope()
    {
        var http = Request("GET", $"/v1alpha/projects/{Project}/operations", null, subject: null);

        await Functions().V1Alpha(http.Request, Client());

        Assert.Equal(401, http.Response.StatusCode);
        Assert.Equal("UNAUTHENTICATED", (string?)Answer(http)["error"]!["status"]);
    }

    [Fact]
    public async Task A_batch_answers_each_Earth_Engine_part_as_a_direct_call_would()
    {
        var body = "--x\r\nContent-Type: application/http\r\n\r\nGET /v1/projects/" + Project + "/operations/no-such-op HTTP/1.1\r\n\r\n\r\n" +
            "--x\r\nContent-Type: application/http\r\n\r\nGET /v1/projects/" + Project + "/algorithms HTTP/1.1\r\n\r\n\r\n--x--\r\n";
        var http = Request("POST", "/batch", body, "alice");
        http.Request.ContentType = "multipart/mixed; boundary=x";

        await Functions().Batch(http.Request, Client());

        http.Response.Body.Position = 0;
        var text = await new StreamReader(http.Response.Body).ReadToEndAsync();
        Assert.True(http.Response.StatusCode == 200, text);
        Assert.Contains("HTTP/1.1 404", text, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 200", text, StringComparison.Ordinal);
        Assert.Contains("algorithms", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_answers_with_the_self_hosts_report()
    {
        var http = Request("GET", "/api/health", null, subject: null);

        await Functions().Health(http.Request);

        Assert.Equal(200, http.Response.StatusCode);
        Assert.True((bool)Answer(http)["healthy"]!);
    }

    private HttpFunctions Functions() => new(
        host.Factory.Services.GetRequiredService<EarthEngineRoutes>(),
        host.Factory.Services.GetRequiredService<HealthService>(),
        host.Factory.Services.GetRequiredService<IServiceScopeFactory>());

    private DurableTaskClient Client() => host.Factory.Services.GetRequiredService<DurableTaskClient>();

    private DefaultHttpContext Request(string method, string path, string? body, string? subject)
    {
        // As a host hands it over: the request's services are its own scope (the authentication handlers are scoped).
        var http = new DefaultHttpContext { RequestServices = host.Factory.Services.CreateScope().ServiceProvider };
        http.Request.Method = method;
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("127.0.0.1", 7071);
        http.Request.Path = path;
        if (body is not null)
        {
            http.Request.ContentType = "application/json";
            http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        }

        if (subject is not null)
        {
            var token = host.Factory.Services.GetRequiredService<EeTokenService>()
                .Issue(subject, new Dictionary<string, IReadOnlyList<string>> { [Project] = EePermissions.All }, TimeSpan.FromHours(1));
            http.Request.Headers.Authorization = "Bearer " + token;
        }

        http.Response.Body = new MemoryStream();
        return http;
    }

    private static JsonNode Answer(DefaultHttpContext http)
    {
        http.Response.Body.Position = 0;
        return JsonNode.Parse(http.Response.Body) ?? new JsonObject();
    }
}
