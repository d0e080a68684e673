using Microsoft.Extensions.Logging;

namespace EeFunctions.Durable.Worker;

/// <summary>The engine's log messages. Event ids: 1xx worker, 2xx orchestrations, 3xx activities; instance id first.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Durable task worker started: {OrchestratorConcurrency} orchestrator and {ActivityConcurrency} activity slots.")]
    public static partial void WorkerStarted(this ILogger logger, int orchestratorConcurrency, int activityConcurrency);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Durable task worker stopped.")]
    public static partial void WorkerStopped(this ILogger logger);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "The {Loop} loop failed; retrying after a pause.")]
    public static partial void LoopFailed(this ILogger logger, string loop, Exception exception);

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "{InstanceId}: dropped {EventType} message {MessageId}: {Reason}.")]
    public static partial void MessageDropped(this ILogger logger, string instanceId, string eventType, string messageId, string reason);

    [LoggerMessage(EventId = 201, Level = LogLevel.Debug, Message = "{InstanceId}: deferred {EventType} message {MessageId}: its scheduling event is not in history yet.")]
    public static partial void MessageDeferred(this ILogger logger, string instanceId, string eventType, string messageId);

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "{InstanceId}: {Message}")]
    public static partial void NonDeterminism(this ILogger logger, string instanceId, string message);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "{InstanceId}: orchestration failed: {Failure}")]
    public static partial void OrchestrationFailed(this ILogger logger, string instanceId, string failure);

    [LoggerMessage(EventId = 204, Level = LogLevel.Error, Message = "{InstanceId}: history has no ExecutionStarted event; the messages are dropped.")]
    public static partial void HistoryCorrupt(this ILogger logger, string instanceId);

    [LoggerMessage(EventId = 205, Level = LogLevel.Error, Message = "{InstanceId}: the episode failed and its work item was abandoned.")]
    public static partial void EpisodeFailed(this ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(EventId = 206, Level = LogLevel.Warning, Message = "{InstanceId}: the checkpoint was rejected (the instance was replaced or taken over); the cached state is dropped.")]
    public static partial void CheckpointRejected(this ILogger logger, string instanceId);

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "{InstanceId}: activity '{Name}' (#{TaskId}) failed: {Failure}")]
    public static partial void ActivityFailed(this ILogger logger, string instanceId, string name, int taskId, string failure);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "{InstanceId}: activity '{Name}' (#{TaskId}) was interrupted by shutdown and released for redelivery.")]
    public static partial void ActivityAbandoned(this ILogger logger, string instanceId, string name, int taskId);
}
