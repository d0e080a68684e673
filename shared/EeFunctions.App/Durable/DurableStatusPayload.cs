using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace EeFunctions.App.Durable;

/// <summary>
/// The Durable Functions status payload: <c>name, instanceId, runtimeStatus, input, customStatus, output,
/// createdTime, lastUpdatedTime</c> (second precision, <c>Z</c>), and <c>historyEvents</c> only when asked for.
/// </summary>
public static class DurableStatusPayload
{
    public static JsonObject Create(OrchestrationMetadata metadata, bool showInput, IReadOnlyList<JsonObject>? history = null, bool showHistoryOutput = false)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var payload = new JsonObject
        {
            ["name"] = metadata.Name,
            ["instanceId"] = metadata.InstanceId,
            ["runtimeStatus"] = metadata.RuntimeStatus.ToString(),
            ["input"] = showInput ? Token(metadata.SerializedInput) : null,
            ["customStatus"] = Token(metadata.SerializedCustomStatus),
            ["output"] = Output(metadata),
            ["createdTime"] = Time(metadata.CreatedAt.UtcDateTime),
            ["lastUpdatedTime"] = Time(metadata.LastUpdatedAt.UtcDateTime),
        };
        if (history is not null)
        {
            payload["historyEvents"] = HistoryEvents(history, showInput, showHistoryOutput);
        }

        return payload;
    }

    /// <summary>A stored string as a JSON token: parsed when it is JSON, else a JSON string; null stays null.</summary>
    public static JsonNode? Token(string? serialized)
    {
        if (serialized is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(serialized);
        }
        catch (JsonException)
        {
            return JsonValue.Create(serialized);
        }
    }

    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static JsonNode? Output(OrchestrationMetadata metadata) =>
        metadata.RuntimeStatus == OrchestrationRuntimeStatus.Failed && metadata.FailureDetails is { } failure
            ? JsonValue.Create($"Orchestrator function '{metadata.Name}' failed: {failure.ErrorMessage}")
            : Token(metadata.SerializedOutput);

    /// <summary>History as Durable Functions renders it: episode markers and matched scheduling events dropped.</summary>
    private static JsonArray HistoryEvents(IReadOnlyList<JsonObject> history, bool showInput, bool showOutput)
    {
        var scheduled = new Dictionary<int, JsonObject>();
        var matched = new HashSet<int>();
        foreach (var e in history)
        {
            if (Type(e) is "TaskScheduled" or "SubOrchestrationInstanceCreated")
            {
                scheduled[Int(e, "EventId")] = e;
            }

            if (CompletedId(e) is { } id)
            {
                matched.Add(id);
            }
        }

        var result = new JsonArray();
        var shown = new HashSet<int>();
        foreach (var e in history)
        {
            var type = Type(e);
            if (type is "OrchestratorStarted" or "OrchestratorCompleted" ||
                (type is "TaskScheduled" or "SubOrchestrationInstanceCreated" && matched.Contains(Int(e, "EventId"))))
            {
                continue;
            }

            // Delivery is at least once: a worker killed after its activity finished but before the message was
            // deleted leaves a second completion of the same task in the stored history. The orchestration used
            // only the first, so that is the one shown.
            if (CompletedId(e) is { } completed && !shown.Add(completed))
            {
                continue;
            }

            var node = new JsonObject { ["EventType"] = type, ["Timestamp"] = Timestamp(e["Timestamp"]) };
            switch (type)
            {
                case "ExecutionStarted" or "TaskScheduled":
                    node["FunctionName"] = Str(e, "Name");
                    AddIf(node, "Input", showInput, Str(e, "Input"));
                    break;
                case "SubOrchestrationInstanceCreated":
                    node["FunctionName"] = Str(e, "Name");
                    node["InstanceId"] = Str(e, "InstanceId");
                    AddIf(node, "Input", showInput, Str(e, "Input"));
                    break;
                case "TaskCompleted" or "SubOrchestrationInstanceCompleted" or "TaskFailed" or "SubOrchestrationInstanceFailed":
                    var origin = scheduled.GetValueOrDefault(CompletedId(e)!.Value);
                    node["FunctionName"] = origin is null ? null : Str(origin, "Name");
                    if (origin is not null)
                    {
                        node["ScheduledTime"] = Timestamp(origin["Timestamp"]);
                    }

                    AddIf(node, "Input", showInput, origin is null ? null : Str(origin, "Input"));
                    if (type is "TaskCompleted" or "SubOrchestrationInstanceCompleted")
                    {
                        AddIf(node, "Result", showOutput, Str(e, "Result"));
                    }
                    else
                    {
                        var failure = e["FailureDetails"] as JsonObject;
                        node["Reason"] = failure is null ? Str(e, "Reason") : Str(failure, "ErrorMessage");
                        node["Details"] = failure is null ? Str(e, "Details") : Str(failure, "ErrorType");
                        node["FailureDetails"] = failure?.DeepClone();
                    }

                    break;
                case "TimerCreated" or "TimerFired":
                    node["FireAt"] = Timestamp(e["FireAt"]);
                    break;
                case "EventRaised":
                    node["Name"] = Str(e, "Name");
                    AddIf(node, "Input", showInput, Str(e, "Input"));
                    break;
                case "EventSent":
                    node["Name"] = Str(e, "Name");
                    node["InstanceId"] = Str(e, "InstanceId");
                    AddIf(node, "Input", showInput, Str(e, "Input"));
                    break;
                case "ExecutionSuspended" or "ExecutionResumed":
                    node["Reason"] = Str(e, "Reason");
                    break;
                case "ExecutionTerminated":
                    node["Reason"] = Token(Str(e, "Input"))?.ToString();
                    break;
                case "ExecutionCompleted":
                    node["OrchestrationStatus"] = e["OrchestrationStatus"] is JsonValue v && v.TryGetValue<int>(out var status)
                        ? ((OrchestrationRuntimeStatus)status).ToString()
                        : Str(e, "OrchestrationStatus");
                    AddIf(node, "Result", showOutput, Str(e, "Result"));
                    if (e["FailureDetails"] is JsonObject f)
                    {
                        node["Reason"] = Str(f, "ErrorMessage");
                        node["FailureDetails"] = f.DeepClone();
                    }

                    break;
                case "ContinueAsNew":
                    AddIf(node, "Input", showInput, Str(e, "Result"));
                    break;
            }

            result.Add(node);
        }

        return result;
    }

    private static string? Type(JsonObject e) => Str(e, "EventType");

    private static string? Str(JsonObject e, string name) => e[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : e[name]?.ToJsonString();

    private static int Int(JsonObject e, string name) => e[name] is JsonValue v && v.TryGetValue<int>(out var i) ? i : -1;

    private static string? Timestamp(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var text) && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToString("o", CultureInfo.InvariantCulture)
            : value?.ToString();

    private static int? CompletedId(JsonObject e) =>
        Type(e) is "TaskCompleted" or "TaskFailed" or "SubOrchestrationInstanceCompleted" or "SubOrchestrationInstanceFailed" ? Int(e, "TaskScheduledId") : null;

    private static void AddIf(JsonObject node, string name, bool show, string? serialized)
    {
        if (show)
        {
            node[name] = Token(serialized);
        }
    }
}
