using System.Globalization;
using System.Text.Json;
using EeFunctions.DurableTask;
using Microsoft.DurableTask;
using OrchestrationAlreadyExistsException = DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException;
using Microsoft.DurableTask.Client;

namespace EeFunctions.App.Durable;

/// <summary>
/// The Durable Functions HTTP management API under <c>/runtime/webhooks/durabletask</c>: the same routes, status
/// codes, headers and payloads as Durable Functions (../shared/reference/durable-task.md §1), except that state
/// conflicts Durable Functions answers with 500 are 409 with a message here.
/// </summary>
public static class DurableHttpApi
{
    private const string ContinuationHeader = "x-ms-continuation-token";

    public static IEndpointRouteBuilder MapDurableHttpApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(DurableHttpApiOptions.BasePath);
        api.MapPost("/orchestrators/{functionName}/{instanceId?}", StartAsync);
        api.MapGet("/instances/{instanceId}", GetStatusAsync);
        api.MapGet("/instances", ListAsync);
        api.MapPost("/instances/{instanceId}/raiseEvent/{eventName}", RaiseEventAsync);
        api.MapPost("/instances/{instanceId}/{operation}", OperationAsync);
        api.MapDelete("/instances/{instanceId}", PurgeAsync);
        api.MapDelete("/instances", PurgeByFilterAsync);
        return app;
    }

    private static async Task<IResult> StartAsync(HttpContext http, string functionName, string? instanceId, DurableTaskClient client,
        RegisteredTasks registry, DurableHttpManagement management, IDurableApiAuthorizer authorizer, CancellationToken cancellationToken)
    {
        if (await authorizer.AuthorizeAsync(http, DurableApiOperation.Start, instanceId, cancellationToken) is { } denied)
        {
            return Results.StatusCode(denied);
        }

        if (!registry.ContainsOrchestrator(functionName))
        {
            return Error(400, $"The function '{functionName}' doesn't exist, is disabled, or is not an orchestrator function.");
        }

        if (instanceId is not null && InstanceIds.Problem(instanceId) is { } problem)
        {
            return Error(400, problem);
        }

        JsonElement? input;
        try
        {
            input = await ReadJsonAsync(http.Request, cancellationToken);
        }
        catch (JsonException)
        {
            return Error(400, "The request body is not valid JSON.");
        }

        try
        {
            var id = await client.ScheduleNewOrchestrationInstanceAsync(functionName, input, new StartOrchestrationOptions(instanceId), cancellationToken);
            return await CheckStatusOrWaitAsync(http, id, client, management, cancellationToken);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            var existing = await client.GetInstanceAsync(instanceId!, cancellationToken);
            return Error(409, $"An orchestration instance with the ID '{instanceId}' already exists with status {existing?.RuntimeStatus}.");
        }
        catch (ArgumentException ex)
        {
            return Error(400, ex.Message);
        }
    }

    private static async Task<IResult> GetStatusAsync(HttpContext http, string instanceId, DurableTaskClient client, IDurableApiAuthorizer authorizer, CancellationToken cancellationToken)
    {
        if (await authorizer.AuthorizeAsync(http, DurableApiOperation.Read, instanceId, cancellationToken) is { } denied)
        {
            return Results.StatusCode(denied);
        }

        var query = http.Request.Query;
        var showHistory = Bool(query, "showHistory", false);
        var showHistoryOutput = Bool(query, "showHistoryOutput", false);
        var showInput = Bool(query, "showInput", true);
        var internalErrorOnFailure = Bool(query, "returnInternalServerErrorOnFailure", false);

        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (metadata is null)
        {
            return Results.NotFound();
        }

        var history = showHistory && metadata.RuntimeStatus != OrchestrationRuntimeStatus.Pending
            ? await ((ShimDurableTaskClient)client).GetHistoryAsync(instanceId, cancellationToken)
            : showHistory ? [] : null;
        var payload = DurableStatusPayload.Create(metadata, showInput, history, showHistoryOutput);
        switch (metadata.RuntimeStatus)
        {
            case OrchestrationRuntimeStatus.Failed:
                return Results.Json(payload, statusCode: internalErrorOnFailure ? 500 : 200);
            case OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Terminated:
                return Results.Json(payload);
            default:
                http.Response.Headers.Location = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}";
                http.Response.Headers.RetryAfter = "5";
                return Results.Json(payload, statusCode: 202);
        }
    }

    private static async Task<IResult> ListAsync(HttpContext http, DurableTaskClient client, IDurableApiAuthorizer authorizer, CancellationToken cancellationToken)
    {
        if (await authorizer.AuthorizeAsync(http, DurableApiOperation.Read, null, cancellationToken) is { } denied)
        {
            return Results.StatusCode(denied);
        }

        var query = http.Request.Query;
        var top = int.TryParse(query["top"], CultureInfo.InvariantCulture, out var t) && t > 0 ? t : 100;
        var showInput = Bool(query, "showInput", false);
        var filter = new OrchestrationQuery
        {
            Statuses = Statuses(query),
            CreatedFrom = Date(query, "createdTimeFrom"),
            CreatedTo = Date(query, "createdTimeTo"),
            InstanceIdPrefix = query["instanceIdPrefix"].FirstOrDefault() is { Length: > 0 } prefix ? prefix : null,
            PageSize = top,
            ContinuationToken = http.Request.Headers[ContinuationHeader].FirstOrDefault() is { Length: > 0 } token ? token : null,
            FetchInputsAndOutputs = true,
        };

        await foreach (var page in client.GetAllInstancesAsync(filter).AsPages(filter.ContinuationToken, top).WithCancellation(cancellationToken))
        {
            http.Response.Headers[ContinuationHeader] = page.ContinuationToken ?? string.Empty;
            return Results.Json(page.Values.Select(m => DurableStatusPayload.Create(m, showInput)).ToList());
        }

        http.Response.Headers[ContinuationHeader] = string.Empty;
        return Results.Json(Array.Empty<object>());
    }

    private static async Task<IResult> RaiseEventAsync(HttpContext http, string instanceId, string eventName, DurableTaskClient client, IDurableApiAuthorizer authorizer, CancellationToken cancellationToken)
    {
        if (await authorizer.AuthorizeAsync(http, DurableApiOperation.RaiseEvent, instanceId, cancellationToken) is { } denied)
        {
            return Results.StatusCode(denied);
        }

        if (http.Request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Error(400, "Only application/json request content is supported");
        }

        JsonElement? payload;
        try
        {
            payload = await ReadJsonAsync(http.Request, cancellationToken);
        }
        catch (JsonException)
        {
            return Error(400, "The request body is not valid JSON.");
        }

        var state = await client.GetInstanceAsync(instanceId, false, cancellationToken);
        if (state is null)
        {
            return Results.NotFound();
        }

        if (state.IsCompleted)
        {
            return Results.StatusCode(410);
        }

        await client.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);
        return Results.Accepted();
    }

    private static async Task<IResult> OperationAsync(HttpContext http, string instanceId, string operation, DurableTaskClient client,
        DurableHttpManagement management, IDurableApiAuthorizer authorizer, CancellationToken cancellationToken)
    {
        var op = operation.ToLowerInvariant() switch
        {
            "terminate" => DurableApiOperation.Terminate,
            "suspend" => DurableApiOperation.Suspend,
            "resume" => DurableApiOperation.Resume,
            "restart" => DurableApiOperation.Restart,
            _ => (DurableApiOperation?)null,
        };
        if (op is null)
        {
            return Results.NotFound();
        }

        if (await authorizer.AuthorizeAsync(http, op.Value, instanceId, cancellationToken) is { } denied)
        {
            return Results.StatusCode(denied);
        }

        var reason = http.Request.Query["reason"].FirstOrDefault();
        // Terminate hands the instance's input and status to the hooks; restart reads the input itself.
        var state = await client.GetInstanceAsync(instanceId, op is DurableApiOperation.Terminate, cancellationToken);
        if (op == DurableApiOperation.Restart)
        {
            return state is null
                ? Error(400, "InstanceId does not match a valid orchestration instance.")
                : await RestartAsync(http, state, client, management, cancellationToken);
        }

        if (state is null)
        {
            return Results.NotFound();
        }

        if (state.IsCompleted)
        {
            return Results.StatusCode(410);
        }

        switch (op)
        {
            case DurableApiOperation.Terminate:
                await client.TerminateInstanceAsync(instanceId, reason, cancellationToken);
                await RunTerminationHooksAsync(http.RequestServices, state);

                break;
            case DurableApiOperation.Suspend when state.RuntimeStatus == OrchestrationRuntimeStatus.Suspended:
                return Error(409, $"Cannot suspend orchestration instance '{instanceId}': it is already Suspended.");
            case DurableApiOperation.Suspend:
                await client.SuspendInstanceAsync(instanceId, reason, cancellationToken);
                break;
            case DurableApiOperation.Resume when state.RuntimeStatus != OrchestrationRuntimeStatus.Suspended:
                return Error(409, $"Cannot resume orchestration instance '{instanceId}': it is {state.RuntimeStatus}, not Suspended.");
            default:
                await client.ResumeInstanceAsync(instanceId, reason, cancellationToken);
                break;
        }

        return Results.Accepted();
    }

    /// <summary>
    /// The terminate has happened, so the hooks run whatever the caller does next (no request token), and a hook that
    /// fails is logged rather than turning the done terminate into a 500 that a retry (410) could never repair.
    /// </summary>
    private static async Task RunTerminationHooksAsync(IServiceProvider services, OrchestrationMetadata state)
    {
        foreach (var hook in services.GetServices<IDurableTerminationHook>())
        {
            try
            {
                await hook.OnTerminatedAsync(state, CancellationToken.None);
            }
#pragma warning disable CA1031 // A hook's failure must not undo the answer to a terminate that succeeded.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                DurableHttpApiLogs.TerminationHookFailed(services.GetRequiredService<ILoggerFactory>().CreateLogger("EeFunctions.Durable.HttpApi"), state.InstanceId, hook.GetType().Name, ex);
            }
        }
    }

    private static async Task<IResult> RestartAsync(HttpContext http, OrchestrationMetadata state, DurableTaskClient client, DurableHttpManagement management, CancellationToken cancellationToken)
    {
        try
        {
            var id = await client.RestartAsync(state.InstanceId, Bool(http.Request.Query, "restartWithNewInstanceId", true), cancellationToken);
            return await CheckStatusOrWaitAsync(http, id, client, management, cancellationToken);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            var existing = await client.GetInstanceAsync(state.InstanceId, cancellationToken);
            return Error(409, $"Cannot restart orchestration instance '{state.InstanceId}' in place: it is {existing?.RuntimeStatus}.");
        }
    }

    private static async Task<IResult> PurgeAsync(HttpContext http, string instanceId, DurableTaskClient client, IDurableApiAuthorizer authorizer, CancellationToken cancellationToken)
    {
        if (await authorizer.AuthorizeAsync(http, DurableApiOperation.Purge, instanceId, cancellationToken) is { } denied)
        {
            return Results.StatusCode(denied);
        }

        try
        {
            var result = await client.PurgeInstanceAsync(instanceId, cancellationToken);
            return result.PurgedInstanceCount == 0 ? Results.NotFound() : Results.Json(new { instancesDeleted = result.PurgedInstanceCount });
        }
        catch (InvalidOperationException ex)
        {
            return Error(409, ex.Message);
        }
    }

    private static async Task<IResult> PurgeByFilterAsync(HttpContext http, DurableTaskClient client, IDurableApiAuthorizer authorizer, CancellationToken cancellationToken)
    {
        if (await authorizer.AuthorizeAsync(http, DurableApiOperation.Purge, null, cancellationToken) is { } denied)
        {
            return Results.StatusCode(denied);
        }

        var query = http.Request.Query;
        if (Date(query, "createdTimeFrom") is not { } from)
        {
            return Error(400, "Please provide value for 'createdTimeFrom' parameter.");
        }

        var result = await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(from, Date(query, "createdTimeTo") ?? DateTimeOffset.UtcNow, Statuses(query)), cancellationToken);
        return result.PurgedInstanceCount == 0 ? Results.NotFound() : Results.Json(new { instancesDeleted = result.PurgedInstanceCount });
    }

    /// <summary>Without <c>timeout</c>: 202 check-status. With it: wait; 200 with the output once Completed, the status payload once Failed or Terminated.</summary>
    private static async Task<IResult> CheckStatusOrWaitAsync(HttpContext http, string instanceId, DurableTaskClient client, DurableHttpManagement management, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        if (!double.TryParse(query["timeout"], NumberStyles.Float, CultureInfo.InvariantCulture, out var timeoutSeconds) || timeoutSeconds <= 0)
        {
            return management.CreateCheckStatusResponse(http.Request, instanceId);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Min(timeoutSeconds, 3600)));
        OrchestrationMetadata done;
        try
        {
            done = await client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return management.CreateCheckStatusResponse(http.Request, instanceId);
        }

        if (done.RuntimeStatus == OrchestrationRuntimeStatus.Completed)
        {
            return Results.Content(done.SerializedOutput ?? "null", "application/json", statusCode: 200);
        }

        var failed = done.RuntimeStatus == OrchestrationRuntimeStatus.Failed && Bool(query, "returnInternalServerErrorOnFailure", false);
        return Results.Json(DurableStatusPayload.Create(done, true), statusCode: failed ? 500 : 200);
    }

    private static async Task<JsonElement?> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    private static List<OrchestrationRuntimeStatus>? Statuses(IQueryCollection query)
    {
        // As Durable Functions: a comma list and/or repeated keys, case-sensitive names or numbers; bad tokens dropped.
        var statuses = query["runtimeStatus"]
            .SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(s => Enum.TryParse<OrchestrationRuntimeStatus>(s, ignoreCase: false, out var status) && (Enum.IsDefined(status) || int.TryParse(s, CultureInfo.InvariantCulture, out _)) ? status : (OrchestrationRuntimeStatus?)null)
            .Where(s => s is not null)
            .Select(s => s!.Value)
            .Distinct()
            .ToList();
        return statuses.Count == 0 ? null : statuses;
    }

    private static DateTimeOffset? Date(IQueryCollection query, string name) =>
        DateTimeOffset.TryParse(query[name], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value) ? value : null;

    private static bool Bool(IQueryCollection query, string name, bool defaultValue) =>
        bool.TryParse(query[name], out var value) ? value : defaultValue;

    // Durable Functions answers errors as ASP.NET Web API's HttpError: {"Message": "..."} (PascalCase).
    private static IResult Error(int status, string message) => Results.Json(new Dictionary<string, string> { ["Message"] = message }, statusCode: status);
}

internal static partial class DurableHttpApiLogs
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "Instance {InstanceId}: termination hook {Hook} failed; its cleanup did not start")]
    public static partial void TerminationHookFailed(ILogger logger, string instanceId, string hook, Exception exception);
}
