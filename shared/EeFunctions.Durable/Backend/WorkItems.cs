using EeFunctions.Durable.History;

namespace EeFunctions.Durable.Backend;

/// <summary>
/// An orchestration episode to run: the instance's new messages, its committed history and state, and an opaque token the
/// backend uses to guard the checkpoint. The instance is locked to the caller until the work item is completed or abandoned.
/// </summary>
public sealed class OrchestrationWorkItem
{
    /// <summary>Creates a work item.</summary>
    public OrchestrationWorkItem(
        string instanceId,
        IReadOnlyList<TaskMessage> newMessages,
        IReadOnlyList<HistoryEvent> history,
        OrchestrationState? state,
        object concurrencyToken)
    {
        InstanceId = instanceId;
        NewMessages = newMessages;
        History = history;
        State = state;
        ConcurrencyToken = concurrencyToken;
    }

    /// <summary>The instance.</summary>
    public string InstanceId { get; }

    /// <summary>Messages to process, in arrival order.</summary>
    public IReadOnlyList<TaskMessage> NewMessages { get; }

    /// <summary>
    /// The committed history of the current execution. The engine reads only <see cref="IReadOnlyCollection{T}.Count"/> when it holds
    /// the instance in its cache, so a backend may load it lazily.
    /// </summary>
    public IReadOnlyList<HistoryEvent> History { get; }

    /// <summary>The stored state, or null when the instance does not exist.</summary>
    public OrchestrationState? State { get; }

    /// <summary>Backend-owned concurrency token (e.g. an ETag and lease), passed back on complete and abandon.</summary>
    public object ConcurrencyToken { get; }
}

/// <summary>An activity to run: the TaskScheduled message and a backend-owned lock token.</summary>
/// <param name="Message">The message whose event is a <see cref="TaskScheduledEvent"/>.</param>
/// <param name="LockToken">Backend-owned lock, passed back on complete and abandon.</param>
/// <param name="DeliveryCount">How many times the message has been delivered, including this one.</param>
public sealed record ActivityWorkItem(TaskMessage Message, object LockToken, int DeliveryCount)
{
    /// <summary>The scheduling event.</summary>
    public TaskScheduledEvent Event => (TaskScheduledEvent)Message.Event;
}

/// <summary>
/// The result of one episode, which the backend commits atomically from the engine's point of view: either all of it becomes
/// visible (history, state, messages) and the work item's messages are consumed, or none of it does.
/// </summary>
public sealed class OrchestrationCheckpoint
{
    /// <summary>Events to append to history (or to start the history with, when <see cref="ReplacesHistory"/>).</summary>
    public IReadOnlyList<HistoryEvent> NewHistory { get; init; } = [];

    /// <summary>Whether <see cref="NewHistory"/> starts a new execution whose history replaces the stored one.</summary>
    public bool ReplacesHistory { get; init; }

    /// <summary>The new instance state; null leaves it unchanged.</summary>
    public OrchestrationState? NewState { get; init; }

    /// <summary>Activities to enqueue (TaskScheduled messages).</summary>
    public IReadOnlyList<TaskMessage> ActivityMessages { get; init; } = [];

    /// <summary>Messages to instances (own or others): sub-orchestration starts and results, events, a continue-as-new start.</summary>
    public IReadOnlyList<TaskMessage> OrchestratorMessages { get; init; } = [];

    /// <summary>TimerFired messages to deliver to this instance at their fire time.</summary>
    public IReadOnlyList<TaskMessage> TimerMessages { get; init; } = [];

    /// <summary>Messages of the work item that arrived early (their scheduling event is not in history yet): deliver them again later.</summary>
    public IReadOnlyList<TaskMessage> DeferredMessages { get; init; } = [];

    /// <summary>A checkpoint that only consumes the work item's messages (all dropped or deferred).</summary>
    public static OrchestrationCheckpoint Empty { get; } = new();
}
