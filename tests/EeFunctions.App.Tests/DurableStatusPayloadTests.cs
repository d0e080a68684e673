using System.Text.Json.Nodes;
using EeFunctions.App.Durable;
using Microsoft.DurableTask.Client;
using Xunit;

namespace EeFunctions.App.Tests;

public sealed class DurableStatusPayloadTests
{
    private static readonly OrchestrationMetadata Completed = new("Sum", "abc")
    {
        RuntimeStatus = OrchestrationRuntimeStatus.Completed,
        CreatedAt = DateTimeOffset.UnixEpoch,
        LastUpdatedAt = DateTimeOffset.UnixEpoch,
    };

    private static JsonObject Event(string type, params (string Key, JsonNode? Value)[] fields)
    {
        var e = new JsonObject { ["EventType"] = type, ["Timestamp"] = "2026-01-01T00:00:00Z" };
        foreach (var (key, value) in fields)
        {
            e[key] = value;
        }

        return e;
    }

    [Fact]
    public void A_redelivered_completion_of_one_task_is_shown_once_with_the_first_result()
    {
        var history = new List<JsonObject>
        {
            Event("ExecutionStarted", ("Name", "Sum")),
            Event("TaskScheduled", ("EventId", 0), ("Name", "Add")),
            Event("TaskCompleted", ("TaskScheduledId", 0), ("Result", "1")),
            Event("TaskCompleted", ("TaskScheduledId", 0), ("Result", "2")),
            Event("ExecutionCompleted", ("Result", "1")),
        };

        var events = DurableStatusPayload.Create(Completed, showInput: false, history, showHistoryOutput: true)["historyEvents"]!.AsArray();

        var completions = events.Where(e => (string?)e!["EventType"] == "TaskCompleted").ToList();
        var only = Assert.Single(completions);
        Assert.Equal("Add", (string?)only!["FunctionName"]);
        Assert.Equal(1, only["Result"]!.GetValue<int>());
    }

    [Fact]
    public void Completions_of_different_tasks_are_all_shown()
    {
        var history = new List<JsonObject>
        {
            Event("ExecutionStarted", ("Name", "Sum")),
            Event("TaskScheduled", ("EventId", 0), ("Name", "Add")),
            Event("TaskScheduled", ("EventId", 1), ("Name", "Add")),
            Event("TaskCompleted", ("TaskScheduledId", 1), ("Result", "2")),
            Event("TaskCompleted", ("TaskScheduledId", 0), ("Result", "1")),
        };

        var events = DurableStatusPayload.Create(Completed, showInput: false, history, showHistoryOutput: true)["historyEvents"]!.AsArray();

        Assert.Equal(2, events.Count(e => (string?)e!["EventType"] == "TaskCompleted"));
    }
}
