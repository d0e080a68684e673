using System.Text.Json.Serialization;

namespace EeFunctions.Durable.History;

/// <summary>
/// One event of an instance's history (and the payload of a message). Plain serializable records: the JSON discriminator
/// <c>eventType</c> carries the event type name, so backends can store events as rows or queue messages.
/// </summary>
/// <param name="EventId">The sequence number of the call for scheduling events (TaskScheduled, TimerCreated, ...); -1 otherwise.</param>
/// <param name="Timestamp">When the event was created (UTC).</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "eventType")]
[JsonDerivedType(typeof(ExecutionStartedEvent), "ExecutionStarted")]
[JsonDerivedType(typeof(OrchestratorStartedEvent), "OrchestratorStarted")]
[JsonDerivedType(typeof(OrchestratorCompletedEvent), "OrchestratorCompleted")]
[JsonDerivedType(typeof(TaskScheduledEvent), "TaskScheduled")]
[JsonDerivedType(typeof(TaskCompletedEvent), "TaskCompleted")]
[JsonDerivedType(typeof(TaskFailedEvent), "TaskFailed")]
[JsonDerivedType(typeof(TimerCreatedEvent), "TimerCreated")]
[JsonDerivedType(typeof(TimerFiredEvent), "TimerFired")]
[JsonDerivedType(typeof(SubOrchestrationInstanceCreatedEvent), "SubOrchestrationInstanceCreated")]
[JsonDerivedType(typeof(SubOrchestrationInstanceCompletedEvent), "SubOrchestrationInstanceCompleted")]
[JsonDerivedType(typeof(SubOrchestrationInstanceFailedEvent), "SubOrchestrationInstanceFailed")]
[JsonDerivedType(typeof(EventRaisedEvent), "EventRaised")]
[JsonDerivedType(typeof(EventSentEvent), "EventSent")]
[JsonDerivedType(typeof(ExecutionSuspendedEvent), "ExecutionSuspended")]
[JsonDerivedType(typeof(ExecutionResumedEvent), "ExecutionResumed")]
[JsonDerivedType(typeof(ExecutionTerminatedEvent), "ExecutionTerminated")]
[JsonDerivedType(typeof(ExecutionCompletedEvent), "ExecutionCompleted")]
[JsonDerivedType(typeof(ContinueAsNewEvent), "ContinueAsNew")]
public abstract record HistoryEvent(int EventId, DateTime Timestamp)
{
    /// <summary>The event type name (the JSON discriminator), e.g. <c>TaskScheduled</c>.</summary>
    [JsonIgnore]
    public abstract string EventType { get; }
}

/// <summary>The first event of an execution: what to run, with which input.</summary>
public sealed record ExecutionStartedEvent(
    DateTime Timestamp,
    string Name,
    string InstanceId,
    string ExecutionId,
    string? Input,
    ParentOrchestrationInstance? ParentInstance = null,
    DateTime? ScheduledStartTime = null) : HistoryEvent(-1, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "ExecutionStarted";
}

/// <summary>Opens an episode; its timestamp is the orchestration's <c>CurrentUtcDateTime</c>.</summary>
public sealed record OrchestratorStartedEvent(DateTime Timestamp) : HistoryEvent(-1, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "OrchestratorStarted";
}

/// <summary>Closes an episode.</summary>
public sealed record OrchestratorCompletedEvent(DateTime Timestamp) : HistoryEvent(-1, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "OrchestratorCompleted";
}

/// <summary>An activity was scheduled with sequence number <see cref="HistoryEvent.EventId"/>.</summary>
public sealed record TaskScheduledEvent(int EventId, DateTime Timestamp, string Name, string? Input) : HistoryEvent(EventId, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "TaskScheduled";
}

/// <summary>The activity scheduled as <see cref="TaskScheduledId"/> returned <see cref="Result"/>.</summary>
public sealed record TaskCompletedEvent(DateTime Timestamp, int TaskScheduledId, string? Result) : HistoryEvent(-1, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "TaskCompleted";
}

/// <summary>The activity scheduled as <see cref="TaskScheduledId"/> failed.</summary>
public sealed record TaskFailedEvent(DateTime Timestamp, int TaskScheduledId, TaskFailureDetails FailureDetails) : HistoryEvent(-1, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "TaskFailed";
}

/// <summary>A durable timer with sequence number <see cref="HistoryEvent.EventId"/> was created.</summary>
public sealed record TimerCreatedEvent(int EventId, DateTime Timestamp, DateTime FireAt) : HistoryEvent(EventId, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "TimerCreated";
}

/// <summary>The timer <see cref="TimerId"/> fired.</summary>
public sealed record TimerFiredEvent(DateTime Timestamp, int TimerId, DateTime FireAt) : HistoryEvent(-1, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "TimerFired";
}

/// <summary>A sub-orchestration was started with sequence number <see cref="HistoryEvent.EventId"/>.</summary>
public sealed record SubOrchestrationInstanceCreatedEvent(int EventId, DateTime Timestamp, string Name, string InstanceId, string? Input)
    : HistoryEvent(EventId, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "SubOrchestrationInstanceCreated";
}

/// <summary>The sub-orchestration started as <see cref="TaskScheduledId"/> completed.</summary>
public sealed record SubOrchestrationInstanceCompletedEvent(DateTime Timestamp, int TaskScheduledId, string? Result) : HistoryEvent(-1, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "SubOrchestrationInstanceCompleted";
}

/// <summary>The sub-orchestration started as <see cref="TaskScheduledId"/> failed.</summary>
public sealed record SubOrchestrationInstanceFailedEvent(DateTime Timestamp, int TaskScheduledId, TaskFailureDetails FailureDetails)
    : HistoryEvent(-1, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "SubOrchestrationInstanceFailed";
}

/// <summary>An external event arrived.</summary>
public sealed record EventRaisedEvent(DateTime Timestamp, string Name, string? Input) : HistoryEvent(-1, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "EventRaised";
}

/// <summary>The orchestration sent an event to <see cref="InstanceId"/>.</summary>
public sealed record EventSentEvent(int EventId, DateTime Timestamp, string InstanceId, string Name, string? Input) : HistoryEvent(EventId, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "EventSent";
}

/// <summary>A client suspended the instance.</summary>
public sealed record ExecutionSuspendedEvent(DateTime Timestamp, string? Reason) : HistoryEvent(-1, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "ExecutionSuspended";
}

/// <summary>A client resumed the instance.</summary>
public sealed record ExecutionResumedEvent(DateTime Timestamp, string? Reason) : HistoryEvent(-1, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "ExecutionResumed";
}

/// <summary>A client terminated the instance.</summary>
public sealed record ExecutionTerminatedEvent(DateTime Timestamp, string? Reason) : HistoryEvent(-1, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "ExecutionTerminated";
}

/// <summary>The execution ended as Completed, Failed or Terminated.</summary>
public sealed record ExecutionCompletedEvent(
    DateTime Timestamp,
    OrchestrationRuntimeStatus OrchestrationStatus,
    string? Result,
    TaskFailureDetails? FailureDetails = null) : HistoryEvent(-1, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "ExecutionCompleted";
}

/// <summary>The execution ended by continuing as new with <see cref="Input"/>; the next execution is <see cref="NewExecutionId"/>.</summary>
public sealed record ContinueAsNewEvent(DateTime Timestamp, string? Input, string NewExecutionId) : HistoryEvent(-1, Timestamp)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => "ContinueAsNew";
}
