using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EeFunctions.Durable;
using EeFunctions.Durable.Client;
using EeFunctions.Durable.History;

namespace EeFunctions.Functions.Durable;

/// <summary>
/// The Durable Functions status payload: <c>name, instanceId, runtimeStatus, input, customStatus, output,
/// createdTime, lastUpdatedTime</c> (second precision, <c>Z</c>), and <c>historyEvents</c> only when asked for.
/// </summary>
public static class DurableStatusPayload
{
    public static JsonObject Create(OrchestrationMetadata metadata, bool showInput, IReadOnlyList<HistoryEvent>? history = null, bool showHistoryOutput = false)
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
    private static JsonArray HistoryEvents(IReadOnlyList<HistoryEvent> history, bool showInput, bool showOutput)
    {
        var scheduled = new Dictionary<int, HistoryEvent>();
        var matched = new HashSet<int>();
        foreach (var e in history)
        {
            if (e is TaskScheduledEvent or SubOrchestrationInstanceCreatedEvent)
            {
                scheduled[e.EventId] = e;
            }

            var completed = CompletedId(e);
            if (completed is { } id)
            {
                matched.Add(id);
            }
        }

        var result = new JsonArray();
        foreach (var e in history)
        {
            if (e is OrchestratorStartedEvent or OrchestratorCompletedEvent ||
                (e is TaskScheduledEvent or SubOrchestrationInstanceCreatedEvent && matched.Contains(e.EventId)))
            {
                continue;
            }

            var node = new JsonObject { ["EventType"] = e.EventType, ["Timestamp"] = e.Timestamp.ToString("o", CultureInfo.InvariantCulture) };
            switch (e)
            {
                case ExecutionStartedEvent started:
                    node["FunctionName"] = started.Name;
                    AddIf(node, "Input", showInput, started.Input);
                    break;
                case TaskScheduledEvent task:
                    node["FunctionName"] = task.Name;
                    AddIf(node, "Input", showInput, task.Input);
                    break;
                case SubOrchestrationInstanceCreatedEvent sub:
                    node["FunctionName"] = sub.Name;
                    node["InstanceId"] = sub.InstanceId;
                    AddIf(node, "Input", showInput, sub.Input);
                    break;
                case TaskCompletedEvent or SubOrchestrationInstanceCompletedEvent or TaskFailedEvent or SubOrchestrationInstanceFailedEvent:
                    var origin = scheduled.GetValueOrDefault(CompletedId(e)!.Value);
                    node["FunctionName"] = origin switch { TaskScheduledEvent t => t.Name, SubOrchestrationInstanceCreatedEvent s => s.Name, _ => null };
                    if (origin is not null)
                    {
                        node["ScheduledTime"] = origin.Timestamp.ToString("o", CultureInfo.InvariantCulture);
                    }

                    AddIf(node, "Input", showInput, origin switch { TaskScheduledEvent t => t.Input, SubOrchestrationInstanceCreatedEvent s => s.Input, _ => null });
                    if (e is TaskCompletedEvent tc)
                    {
                        AddIf(node, "Result", showOutput, tc.Result);
                    }
                    else if (e is SubOrchestrationInstanceCompletedEvent sc)
                    {
                        AddIf(node, "Result", showOutput, sc.Result);
                    }
                    else
                    {
                        var failure = e is TaskFailedEvent tf ? tf.FailureDetails : ((SubOrchestrationInstanceFailedEvent)e).FailureDetails;
                        node["Reason"] = failure.ErrorMessage;
                        node["Details"] = failure.ErrorType;
                        node["FailureDetails"] = JsonSerializer.SerializeToNode(failure);
                    }

                    break;
                case TimerCreatedEvent timer:
                    node["FireAt"] = timer.FireAt.ToString("o", CultureInfo.InvariantCulture);
                    break;
                case TimerFiredEvent fired:
                    node["FireAt"] = fired.FireAt.ToString("o", CultureInfo.InvariantCulture);
                    break;
                case EventRaisedEvent raised:
                    node["Name"] = raised.Name;
                    AddIf(node, "Input", showInput, raised.Input);
                    break;
                case EventSentEvent sent:
                    node["Name"] = sent.Name;
                    node["InstanceId"] = sent.InstanceId;
                    AddIf(node, "Input", showInput, sent.Input);
                    break;
                case ExecutionSuspendedEvent suspended:
                    node["Reason"] = suspended.Reason;
                    break;
                case ExecutionResumedEvent resumed:
                    node["Reason"] = resumed.Reason;
                    break;
                case ExecutionTerminatedEvent terminated:
                    node["Reason"] = terminated.Reason;
                    break;
                case ExecutionCompletedEvent done:
                    node["OrchestrationStatus"] = done.OrchestrationStatus.ToString();
                    AddIf(node, "Result", showOutput, done.Result);
                    if (done.FailureDetails is { } f)
                    {
                        node["Reason"] = f.ErrorMessage;
                        node["FailureDetails"] = JsonSerializer.SerializeToNode(f);
                    }

                    break;
                case ContinueAsNewEvent continued:
                    AddIf(node, "Input", showInput, continued.Input);
                    break;
            }

            result.Add(node);
        }

        return result;
    }

    private static int? CompletedId(HistoryEvent e) => e switch
    {
        TaskCompletedEvent c => c.TaskScheduledId,
        TaskFailedEvent f => f.TaskScheduledId,
        SubOrchestrationInstanceCompletedEvent c => c.TaskScheduledId,
        SubOrchestrationInstanceFailedEvent f => f.TaskScheduledId,
        _ => null,
    };

    private static void AddIf(JsonObject node, string name, bool show, string? serialized)
    {
        if (show)
        {
            node[name] = Token(serialized);
        }
    }
}
