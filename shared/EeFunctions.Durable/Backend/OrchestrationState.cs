namespace EeFunctions.Durable.Backend;

/// <summary>The stored state of an instance (one row per instance in a table backend).</summary>
public sealed record OrchestrationState
{
    /// <summary>The instance id.</summary>
    public required string InstanceId { get; init; }

    /// <summary>The orchestrator name.</summary>
    public required string Name { get; init; }

    /// <summary>The current execution (changes on ContinueAsNew and on re-creation).</summary>
    public required string ExecutionId { get; init; }

    /// <summary>The runtime status.</summary>
    public required OrchestrationRuntimeStatus RuntimeStatus { get; init; }

    /// <summary>When the instance was created.</summary>
    public required DateTime CreatedAt { get; init; }

    /// <summary>When the state last changed.</summary>
    public required DateTime LastUpdatedAt { get; init; }

    /// <summary>When the instance reached a terminal status.</summary>
    public DateTime? CompletedAt { get; init; }

    /// <summary>When a scheduled start is due.</summary>
    public DateTime? ScheduledStartTime { get; init; }

    /// <summary>The serialized input of the current execution.</summary>
    public string? Input { get; init; }

    /// <summary>The serialized output; for Terminated the reason, for Failed the failure message.</summary>
    public string? Output { get; init; }

    /// <summary>The serialized custom status.</summary>
    public string? CustomStatus { get; init; }

    /// <summary>Why the instance failed.</summary>
    public TaskFailureDetails? FailureDetails { get; init; }

    /// <summary>The parent, for sub-orchestrations.</summary>
    public ParentOrchestrationInstance? ParentInstance { get; init; }

    /// <summary>The state of a new execution that has not started yet, as every backend stores it on create.</summary>
    public static OrchestrationState Pending(History.ExecutionStartedEvent start)
    {
        ArgumentNullException.ThrowIfNull(start);
        return new OrchestrationState
        {
            InstanceId = start.InstanceId,
            Name = start.Name,
            ExecutionId = start.ExecutionId,
            RuntimeStatus = OrchestrationRuntimeStatus.Pending,
            CreatedAt = start.Timestamp,
            LastUpdatedAt = start.Timestamp,
            ScheduledStartTime = start.ScheduledStartTime,
            Input = start.Input,
            ParentInstance = start.ParentInstance,
        };
    }
}
