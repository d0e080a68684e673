using EeFunctions.Durable.History;

namespace EeFunctions.Durable.Backend;

/// <summary>
/// A message to an orchestration instance or to the activity queue: a history event addressed to an instance. Each message has
/// a unique <see cref="MessageId"/>, so receivers can drop redeliveries, and the <see cref="ExecutionId"/> it belongs to, so
/// receivers can drop messages for an older execution (null targets whatever execution is current).
/// </summary>
/// <param name="MessageId">Unique id of this message.</param>
/// <param name="InstanceId">The target instance (for activities: the instance that scheduled it).</param>
/// <param name="ExecutionId">The target execution, or null for the current one.</param>
/// <param name="Event">The event delivered.</param>
public sealed record TaskMessage(string MessageId, string InstanceId, string? ExecutionId, HistoryEvent Event)
{
    /// <summary>Creates a message with a fresh id.</summary>
    public static TaskMessage Create(string instanceId, string? executionId, HistoryEvent historyEvent) =>
        new(NewMessageId(), instanceId, executionId, historyEvent);

    /// <summary>When a backend should make the message visible: timers at their fire time, scheduled starts at their start time.</summary>
    public DateTime? VisibleAt => Event switch
    {
        TimerFiredEvent timer => timer.FireAt,
        ExecutionStartedEvent { ScheduledStartTime: { } startAt } => startAt,
        _ => null,
    };

    /// <summary>A new unique message id.</summary>
    public static string NewMessageId() => Guid.NewGuid().ToString("N");
}
