using Microsoft.Extensions.Logging;

namespace EeFunctions.Durable.AzureStorage;

/// <summary>Log messages of the Azure Storage backend. Event ids 5xx; instance id first where there is one.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Task hub {Hub} ready: {PartitionCount} partitions, worker {WorkerId}.")]
    public static partial void HubReady(this ILogger logger, string hub, int partitionCount, string workerId);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "Worker {WorkerId} acquired partition {Partition}.")]
    public static partial void PartitionAcquired(this ILogger logger, string workerId, int partition);

    [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "Worker {WorkerId} released partition {Partition}.")]
    public static partial void PartitionReleased(this ILogger logger, string workerId, int partition);

    [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "Worker {WorkerId} lost partition {Partition}: {Reason}")]
    public static partial void PartitionLost(this ILogger logger, string workerId, int partition, string reason);

    [LoggerMessage(EventId = 504, Level = LogLevel.Warning, Message = "The {Loop} loop failed; retrying.")]
    public static partial void LoopFailed(this ILogger logger, string loop, Exception exception);

    [LoggerMessage(EventId = 510, Level = LogLevel.Warning, Message = "{InstanceId}: the checkpoint was rejected (the status row changed: another writer or a re-creation); the episode will run again.")]
    public static partial void CheckpointFenced(this ILogger logger, string instanceId);

    [LoggerMessage(EventId = 511, Level = LogLevel.Error, Message = "{InstanceId}: message {MessageId} ({EventType}) was dequeued {DequeueCount} times; failing the instance.")]
    public static partial void PoisonOrchestrationMessage(this ILogger logger, string instanceId, string messageId, string eventType, long dequeueCount);

    [LoggerMessage(EventId = 512, Level = LogLevel.Error, Message = "{InstanceId}: activity {Name} (#{TaskId}) was dequeued {DequeueCount} times; failing it.")]
    public static partial void PoisonActivityMessage(this ILogger logger, string instanceId, string name, int taskId, long dequeueCount);

    [LoggerMessage(EventId = 513, Level = LogLevel.Warning, Message = "{InstanceId}: the sweeper re-sent the start message (Pending without history since {Since:o}).")]
    public static partial void StartResent(this ILogger logger, string instanceId, DateTime since);

    [LoggerMessage(EventId = 514, Level = LogLevel.Warning, Message = "Dropped an unreadable message {MessageId} from {Queue}.")]
    public static partial void UnreadableMessage(this ILogger logger, string messageId, string queue, Exception exception);

    [LoggerMessage(EventId = 515, Level = LogLevel.Debug, Message = "{InstanceId}: sub-orchestration start {ExecutionId} dropped: {Reason}.")]
    public static partial void SubOrchestrationStartDropped(this ILogger logger, string instanceId, string executionId, string reason);
}
