using EeFunctions.DurableTask;
using System.Text.Json.Serialization;
using EeFunctions.App.Hosting;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.Durable;

/// <summary>The management URLs of one instance, as Durable Functions' <c>HttpManagementPayload</c>.</summary>
public sealed class HttpManagementPayload
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("statusQueryGetUri")]
    public required string StatusQueryGetUri { get; init; }

    [JsonPropertyName("sendEventPostUri")]
    public required string SendEventPostUri { get; init; }

    [JsonPropertyName("terminatePostUri")]
    public required string TerminatePostUri { get; init; }

    [JsonPropertyName("purgeHistoryDeleteUri")]
    public required string PurgeHistoryDeleteUri { get; init; }

    [JsonPropertyName("restartPostUri")]
    public required string RestartPostUri { get; init; }

    [JsonPropertyName("suspendPostUri")]
    public required string SuspendPostUri { get; init; }

    [JsonPropertyName("resumePostUri")]
    public required string ResumePostUri { get; init; }
}

/// <summary>
/// Builds the Durable HTTP API's URLs for HTTP functions: <see cref="CreateHttpManagementPayload"/> and
/// <see cref="CreateCheckStatusResponse"/> (202, <c>Location</c>, <c>Retry-After: 10</c>), with the system key in
/// them. <see cref="StatusQueryUri"/> without a key is what Earth Engine callers get (ARCHITECTURE §5).
/// </summary>
public sealed class DurableHttpManagement(IOptions<DurableHttpApiOptions> api, IOptions<DurableTaskExtensionOptions> durable)
{
    /// <summary>The management URLs with the system key, based on the host of <paramref name="request"/>.</summary>
    public HttpManagementPayload CreateHttpManagementPayload(HttpRequest request, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var instance = $"{Base(request)}/instances/{Uri.EscapeDataString(instanceId)}";
        var q = $"taskHub={Uri.EscapeDataString(durable.Value.HubName)}&connection={Uri.EscapeDataString(api.Value.ConnectionName)}&code={Uri.EscapeDataString(api.Value.SystemKey)}";
        return new HttpManagementPayload
        {
            Id = instanceId,
            StatusQueryGetUri = $"{instance}?{q}",
            SendEventPostUri = $"{instance}/raiseEvent/{{eventName}}?{q}",
            TerminatePostUri = $"{instance}/terminate?reason={{text}}&{q}",
            PurgeHistoryDeleteUri = $"{instance}?{q}",
            RestartPostUri = $"{instance}/restart?{q}",
            SuspendPostUri = $"{instance}/suspend?reason={{text}}&{q}",
            ResumePostUri = $"{instance}/resume?reason={{text}}&{q}",
        };
    }

    /// <summary>202 Accepted with the management payload, <c>Location</c> = status URL and <c>Retry-After: 10</c>.</summary>
    public IResult CreateCheckStatusResponse(HttpRequest request, string instanceId)
    {
        var payload = CreateHttpManagementPayload(request, instanceId);
        request.HttpContext.Response.Headers.Location = payload.StatusQueryGetUri;
        request.HttpContext.Response.Headers.RetryAfter = "10";
        return TypedResults.Json(payload, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>The status URL of an instance without any key (for Earth Engine callers, who read it with a bearer token).</summary>
    public static string StatusQueryUri(HttpRequest request, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{Base(request)}/instances/{Uri.EscapeDataString(instanceId)}";
    }

    private static string Base(HttpRequest request) => $"{request.Scheme}://{request.Host}{DurableHttpApiOptions.BasePath}";
}
