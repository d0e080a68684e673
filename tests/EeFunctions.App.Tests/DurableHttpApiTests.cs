using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EeFunctions.DurableTask;
using Microsoft.DurableTask;
using EeFunctions.App.Durable;
using EeFunctions.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace EeFunctions.App.Tests;

/// <summary>Test orchestrations: a hello sequence, an approval wait, a failure and a long timer.</summary>
internal sealed class TestOrchestrations : IDurableTaskContributor
{
    public void Register(DurableTaskRegistry registry) => registry
        .AddActivityFunc<string, string>("SayHello", (_, name) => Task.FromResult($"Hello, {name}!"))
        .AddOrchestratorFunc<string, string>("Hello", (context, name) => context.CallActivityAsync<string>("SayHello", name))
        .AddOrchestratorFunc<JsonElement>("WaitForApproval", async context => await context.WaitForExternalEvent<JsonElement>("Approval"))
        .AddOrchestratorFunc<string>("Fails", new Func<TaskOrchestrationContext, Task<string>>(_ => throw new InvalidOperationException("boom")))
        .AddOrchestratorFunc<string>("Sleeps", async context =>
        {
            await context.CreateTimer(context.CurrentUtcDateTime.AddHours(1), CancellationToken.None);
            return "woke";
        });
}

[Collection(InProcessHostGroup.Name)]
public sealed class DurableHttpApiTests : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private const string Base = "/runtime/webhooks/durabletask";
    private readonly WebApplicationFactory<Program> _factory;
    private HttpClient _http = null!;

    public DurableHttpApiTests(AzuriteFixture azurite)
    {
        _factory = TestSettings.Host(azurite, b => b.ConfigureTestServices(s => s.AddSingleton<IDurableTaskContributor, TestOrchestrations>()));
    }

    public Task InitializeAsync()
    {
        _http = _factory.CreateClient();
        _http.DefaultRequestHeaders.Add("x-functions-key", TestSettings.SystemKey);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _factory.DisposeAsync();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<JsonElement> StartAsync(string function, string? id = null, string body = "\"World\"")
    {
        using var response = await _http.PostAsync($"{Base}/orchestrators/{function}{(id is null ? string.Empty : "/" + id)}", Json(body));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> WaitForStatusAsync(string id, params string[] statuses)
    {
        for (var i = 0; i < 200; i++)
        {
            using var response = await _http.GetAsync($"{Base}/instances/{id}");
            var payload = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (statuses.Contains(payload.GetProperty("runtimeStatus").GetString()))
            {
                return payload;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"instance {id} never reached {string.Join('/', statuses)}");
    }

    [Fact]
    public async Task Every_route_needs_the_system_key_in_a_header_or_the_code_parameter()
    {
        using var anonymous = _factory.CreateClient();
        var routes = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Post, $"{Base}/orchestrators/Hello"), (HttpMethod.Get, $"{Base}/instances/x"), (HttpMethod.Get, $"{Base}/instances"),
            (HttpMethod.Post, $"{Base}/instances/x/raiseEvent/e"), (HttpMethod.Post, $"{Base}/instances/x/terminate"), (HttpMethod.Post, $"{Base}/instances/x/suspend"),
            (HttpMethod.Post, $"{Base}/instances/x/resume"), (HttpMethod.Post, $"{Base}/instances/x/restart"), (HttpMethod.Delete, $"{Base}/instances/x"),
            (HttpMethod.Delete, $"{Base}/instances?createdTimeFrom=2020-01-01T00:00:00Z"),
        };
        foreach (var (method, path) in routes)
        {
            using var request = new HttpRequestMessage(method, path) { Content = Json("{}") };
            using var response = await anonymous.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {response.StatusCode}");

            using var wrongKey = new HttpRequestMessage(method, path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "code=wrong") { Content = Json("{}") };
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(wrongKey)).StatusCode);
        }

        using var withCode = await anonymous.GetAsync($"{Base}/instances/nope?code={TestSettings.SystemKey}");
        Assert.Equal(HttpStatusCode.NotFound, withCode.StatusCode);
    }

    [Fact]
    public async Task Start_answers_202_with_location_retry_after_and_the_eight_management_urls()
    {
        using var response = await _http.PostAsync($"{Base}/orchestrators/Hello", Json("\"World\""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("10", response.Headers.GetValues("Retry-After").Single());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetString()!;
        var status = body.GetProperty("statusQueryGetUri").GetString()!;
        Assert.Equal(status, response.Headers.Location!.ToString());
        Assert.Equal(
            ["id", "statusQueryGetUri", "sendEventPostUri", "terminatePostUri", "purgeHistoryDeleteUri", "restartPostUri", "suspendPostUri", "resumePostUri"],
            body.EnumerateObject().Select(p => p.Name));
        Assert.Matches($"/runtime/webhooks/durabletask/instances/{id}\\?taskHub=Test[0-9a-f]{{12}}&connection=Storage&code={TestSettings.SystemKey}$", status);
        Assert.Contains($"/instances/{id}/raiseEvent/{{eventName}}?", body.GetProperty("sendEventPostUri").GetString(), StringComparison.Ordinal);
        Assert.Contains($"/instances/{id}/terminate?reason={{text}}&taskHub=", body.GetProperty("terminatePostUri").GetString(), StringComparison.Ordinal);

        var done = await WaitForStatusAsync(id, "Completed");
        Assert.Equal("Hello, World!", done.GetProperty("output").GetString());
    }

    [Theory]
    [InlineData("NoSuchOrchestrator", null, "\"x\"")]
    [InlineData("Hello", "@bad", "\"x\"")]
    [InlineData("Hello", "has%23hash", "\"x\"")]
    [InlineData("Hello", null, "{not json")]
    public async Task Start_rejects_unknown_functions_bad_ids_and_bad_json_with_400(string function, string? id, string body)
    {
        using var response = await _http.PostAsync($"{Base}/orchestrators/{function}{(id is null ? string.Empty : "/" + id)}", Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrEmpty((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("Message").GetString()));
    }

    [Fact]
    public async Task Start_of_an_id_that_is_running_is_409_with_a_message()
    {
        var id = "dup-" + Guid.NewGuid().ToString("N");
        await StartAsync("Sleeps", id);
        using var again = await _http.PostAsync($"{Base}/orchestrators/Sleeps/{id}", Json("null"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already exists", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("Message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_is_202_with_location_while_running_and_200_when_done_with_second_precision_times()
    {
        var id = (await StartAsync("WaitForApproval")).GetProperty("id").GetString()!;
        await WaitForStatusAsync(id, "Running");
        using var running = await _http.GetAsync($"{Base}/instances/{id}?showHistory=true");
        Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
        Assert.Equal("5", running.Headers.GetValues("Retry-After").Single());
        Assert.EndsWith($"/instances/{id}?showHistory=true", running.Headers.Location!.ToString(), StringComparison.Ordinal);
        var payload = await running.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["name", "instanceId", "runtimeStatus", "input", "customStatus", "output", "createdTime", "lastUpdatedTime", "historyEvents"], payload.EnumerateObject().Select(p => p.Name));
        Assert.Matches(new Regex("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$"), payload.GetProperty("createdTime").GetString()!);
        Assert.Equal("World", payload.GetProperty("input").GetString());

        using var raise = await _http.PostAsync($"{Base}/instances/{id}/raiseEvent/Approval", Json("{\"ok\":true}"));
        Assert.Equal(HttpStatusCode.Accepted, raise.StatusCode);
        await WaitForStatusAsync(id, "Completed");
        using var done = await _http.GetAsync($"{Base}/instances/{id}?showHistory=true&showHistoryOutput=true&showInput=false");
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var final = await done.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(final.GetProperty("output").GetProperty("ok").GetBoolean());
        Assert.Equal(JsonValueKind.Null, final.GetProperty("input").ValueKind);
        var events = final.GetProperty("historyEvents").EnumerateArray().Select(e => e.GetProperty("EventType").GetString()).ToList();
        Assert.Equal(["ExecutionStarted", "EventRaised", "ExecutionCompleted"], events);
        Assert.Equal("Completed", final.GetProperty("historyEvents")[2].GetProperty("OrchestrationStatus").GetString());
    }

    [Fact]
    public async Task Status_without_show_history_has_no_history_field_and_unknown_ids_are_404()
    {
        var id = (await StartAsync("Hello")).GetProperty("id").GetString()!;
        var done = await WaitForStatusAsync(id, "Completed");
        Assert.False(done.TryGetProperty("historyEvents", out _));
        using var history = await _http.GetAsync($"{Base}/instances/{id}?showHistory=true&showHistoryOutput=true");
        var completed = (await history.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("historyEvents").EnumerateArray().Single(e => e.GetProperty("EventType").GetString() == "TaskCompleted");
        Assert.Equal("SayHello", completed.GetProperty("FunctionName").GetString());
        Assert.Equal("Hello, World!", completed.GetProperty("Result").GetString());
        Assert.True(completed.TryGetProperty("ScheduledTime", out _));

        using var missing = await _http.GetAsync($"{Base}/instances/no-such-instance");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_failed_instance_is_200_or_500_on_request_with_the_failure_as_output()
    {
        var id = (await StartAsync("Fails")).GetProperty("id").GetString()!;
        var failed = await WaitForStatusAsync(id, "Failed");
        Assert.Equal("Orchestrator function 'Fails' failed: boom", failed.GetProperty("output").GetString());
        using var asError = await _http.GetAsync($"{Base}/instances/{id}?returnInternalServerErrorOnFailure=true");
        Assert.Equal(HttpStatusCode.InternalServerError, asError.StatusCode);
    }

    [Fact]
    public async Task Start_with_a_timeout_waits_and_returns_the_raw_output()
    {
        using var response = await _http.PostAsync($"{Base}/orchestrators/Hello?timeout=30&pollingInterval=1", Json("\"Sync\""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"Hello, Sync!\"", await response.Content.ReadAsStringAsync());

        using var pending = await _http.PostAsync($"{Base}/orchestrators/Sleeps?timeout=0.5", Json("null"));
        Assert.Equal(HttpStatusCode.Accepted, pending.StatusCode);
    }

    [Fact]
    public async Task List_pages_with_the_continuation_header_and_filters_by_status_and_prefix()
    {
        var prefix = "list-" + Guid.NewGuid().ToString("N")[..8] + "-";
        for (var i = 0; i < 5; i++)
        {
            await StartAsync("Hello", prefix + i);
        }

        for (var i = 0; i < 5; i++)
        {
            await WaitForStatusAsync(prefix + i, "Completed");
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{Base}/instances?instanceIdPrefix={prefix}&top=2&runtimeStatus=Completed,Failed");
            if (token is not null)
            {
                request.Headers.Add("x-ms-continuation-token", token);
            }

            using var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(page.GetArrayLength() <= 2);
            seen.AddRange(page.EnumerateArray().Select(e => e.GetProperty("instanceId").GetString()!));
            token = response.Headers.GetValues("x-ms-continuation-token").SingleOrDefault();
        }
        while (!string.IsNullOrEmpty(token));

        Assert.Equal(Enumerable.Range(0, 5).Select(i => prefix + i), seen.Order(StringComparer.Ordinal));

        using var none = await _http.GetAsync($"{Base}/instances?instanceIdPrefix={prefix}&runtimeStatus=Running");
        Assert.Equal(0, (await none.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength());
    }

    [Fact]
    public async Task Raise_event_needs_json_and_a_live_instance()
    {
        var id = (await StartAsync("WaitForApproval")).GetProperty("id").GetString()!;
        using var text = await _http.PostAsync($"{Base}/instances/{id}/raiseEvent/Approval", new StringContent("yes", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, text.StatusCode);
        using var invalid = await _http.PostAsync($"{Base}/instances/{id}/raiseEvent/Approval", Json("{oops"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        using var unknown = await _http.PostAsync($"{Base}/instances/nobody/raiseEvent/Approval", Json("1"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var ok = await _http.PostAsync($"{Base}/instances/{id}/raiseEvent/Approval", Json("42"));
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        Assert.Equal(42, (await WaitForStatusAsync(id, "Completed")).GetProperty("output").GetInt32());
        using var gone = await _http.PostAsync($"{Base}/instances/{id}/raiseEvent/Approval", Json("43"));
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
    }

    [Fact]
    public async Task Terminate_makes_the_reason_the_output_and_is_410_afterwards()
    {
        var id = (await StartAsync("Sleeps")).GetProperty("id").GetString()!;
        await WaitForStatusAsync(id, "Running");
        using var terminate = await _http.PostAsync($"{Base}/instances/{id}/terminate?reason=enough", null);
        Assert.Equal(HttpStatusCode.Accepted, terminate.StatusCode);
        Assert.Equal("enough", (await WaitForStatusAsync(id, "Terminated")).GetProperty("output").GetString());
        Assert.Equal(HttpStatusCode.Gone, (await _http.PostAsync($"{Base}/instances/{id}/terminate?reason=again", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.PostAsync($"{Base}/instances/nobody/terminate", null)).StatusCode);
    }

    [Fact]
    public async Task Suspend_and_resume_answer_409_on_state_conflicts()
    {
        var id = (await StartAsync("Sleeps")).GetProperty("id").GetString()!;
        await WaitForStatusAsync(id, "Running");
        Assert.Equal(HttpStatusCode.Conflict, (await _http.PostAsync($"{Base}/instances/{id}/resume", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Base}/instances/{id}/suspend?reason=pause", null)).StatusCode);
        await WaitForStatusAsync(id, "Suspended");
        Assert.Equal(HttpStatusCode.Conflict, (await _http.PostAsync($"{Base}/instances/{id}/suspend", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Base}/instances/{id}/resume?reason=go", null)).StatusCode);
        await WaitForStatusAsync(id, "Running");
        Assert.Equal(HttpStatusCode.NotFound, (await _http.PostAsync($"{Base}/instances/{id}/explode", null)).StatusCode);
    }

    [Fact]
    public async Task Restart_starts_the_same_orchestration_with_the_same_input()
    {
        var id = (await StartAsync("Hello", body: "\"Again\"")).GetProperty("id").GetString()!;
        await WaitForStatusAsync(id, "Completed");

        using var restart = await _http.PostAsync($"{Base}/instances/{id}/restart", null);
        Assert.Equal(HttpStatusCode.Accepted, restart.StatusCode);
        var newId = (await restart.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.NotEqual(id, newId);
        Assert.Equal("Hello, Again!", (await WaitForStatusAsync(newId, "Completed")).GetProperty("output").GetString());

        using var inPlace = await _http.PostAsync($"{Base}/instances/{id}/restart?restartWithNewInstanceId=false", null);
        Assert.Equal(HttpStatusCode.Accepted, inPlace.StatusCode);
        Assert.Equal(id, (await inPlace.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());

        var sleeper = (await StartAsync("Sleeps")).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.Conflict, (await _http.PostAsync($"{Base}/instances/{sleeper}/restart?restartWithNewInstanceId=false", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.PostAsync($"{Base}/instances/nobody/restart", null)).StatusCode);
    }

    [Fact]
    public async Task Purge_deletes_terminal_instances_and_refuses_running_ones()
    {
        var done = (await StartAsync("Hello")).GetProperty("id").GetString()!;
        await WaitForStatusAsync(done, "Completed");
        var running = (await StartAsync("Sleeps")).GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.Conflict, (await _http.DeleteAsync($"{Base}/instances/{running}")).StatusCode);
        using var purge = await _http.DeleteAsync($"{Base}/instances/{done}");
        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        Assert.Equal(1, (await purge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instancesDeleted").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await _http.DeleteAsync($"{Base}/instances/{done}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Base}/instances/{done}")).StatusCode);
    }

    [Fact]
    public async Task Purge_by_filter_needs_created_time_from()
    {
        using var missing = await _http.DeleteAsync($"{Base}/instances");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("Please provide value for 'createdTimeFrom' parameter.", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("Message").GetString());

        var from = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("o");
        var id = (await StartAsync("Hello")).GetProperty("id").GetString()!;
        await WaitForStatusAsync(id, "Completed");
        using var purge = await _http.DeleteAsync($"{Base}/instances?createdTimeFrom={Uri.EscapeDataString(from)}&runtimeStatus=Completed");
        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        Assert.True((await purge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instancesDeleted").GetInt32() >= 1);

        using var none = await _http.DeleteAsync($"{Base}/instances?createdTimeFrom={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("o"))}");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
    }
}
