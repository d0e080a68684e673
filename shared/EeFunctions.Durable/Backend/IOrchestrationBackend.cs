using EeFunctions.Durable.History;

namespace EeFunctions.Durable.Backend;

/// <summary>
/// The storage seam of the engine: messages in, work items out, and one atomic checkpoint per orchestration episode. The
/// in-memory backend implements it for embedded use and tests; the Azure Storage backend implements it with queues and tables.
/// </summary>
/// <remarks>
/// Delivery is at least once: a backend may deliver a message twice or deliver a completion before the checkpoint that scheduled
/// it is visible. The engine drops duplicates and stale messages and defers early arrivals, so backends need not.
/// </remarks>
public interface IOrchestrationBackend
{
    /// <summary>
    /// Creates an instance from its ExecutionStarted message, atomically: when an instance with the id exists in one of
    /// <paramref name="dedupeStatuses"/> the create fails; otherwise a terminal (or not blocking) instance is replaced by a new execution.
    /// </summary>
    /// <exception cref="OrchestrationAlreadyExistsException">The instance exists in a dedupe status.</exception>
    Task CreateInstanceAsync(TaskMessage startMessage, IReadOnlyCollection<OrchestrationRuntimeStatus> dedupeStatuses, CancellationToken cancellationToken);

    /// <summary>Sends a message to an instance (events, terminate, suspend, resume). Returns false when the instance does not exist.</summary>
    Task<bool> SendMessageAsync(TaskMessage message, CancellationToken cancellationToken);

    /// <summary>Waits for the next instance with messages and locks it; null when none arrived within the backend's poll interval.</summary>
    Task<OrchestrationWorkItem?> LockNextOrchestrationWorkItemAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Commits <paramref name="checkpoint"/> atomically, consumes the work item's messages (other than the deferred ones) and
    /// releases the lock. Returns false when the lock was lost (the instance was replaced or taken over): nothing was committed.
    /// </summary>
    Task<bool> CompleteOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, OrchestrationCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>Releases the lock without committing; the messages will be delivered again.</summary>
    Task AbandonOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken);

    /// <summary>Waits for the next activity and locks it; null when none arrived within the backend's poll interval.</summary>
    Task<ActivityWorkItem?> LockNextActivityWorkItemAsync(CancellationToken cancellationToken);

    /// <summary>Sends the result message to the orchestration, then deletes the activity message (so a crash in between repeats the activity).</summary>
    Task CompleteActivityWorkItemAsync(ActivityWorkItem workItem, TaskMessage resultMessage, CancellationToken cancellationToken);

    /// <summary>Releases the activity for redelivery.</summary>
    Task AbandonActivityWorkItemAsync(ActivityWorkItem workItem, CancellationToken cancellationToken);

    /// <summary>The stored state of an instance, or null.</summary>
    Task<OrchestrationState?> GetStateAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>The ordered history of the instance's current execution (empty when unknown).</summary>
    Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>One page of instances matching <paramref name="query"/>, ordered by instance id.</summary>
    Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes a terminal instance with its history. Returns the number deleted (0 or 1).</summary>
    /// <exception cref="InvalidOperationException">The instance is not in a terminal status.</exception>
    Task<int> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Deletes the terminal instances matching <paramref name="filter"/>. Returns the number deleted.</summary>
    Task<int> PurgeInstancesAsync(InstanceQuery filter, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until the instance's state satisfies <paramref name="predicate"/> (or the instance does not exist, giving null).
    /// The default implementation polls <see cref="GetStateAsync"/>; backends that can notify should override it.
    /// </summary>
    async Task<OrchestrationState?> WaitForStateAsync(string instanceId, Func<OrchestrationState, bool> predicate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var state = await GetStateAsync(instanceId, cancellationToken);
            if (state is null || predicate(state))
            {
                return state;
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
        }
    }
}

/// <summary>A filter over instances.</summary>
public sealed record InstanceQuery
{
    /// <summary>Only these statuses; all when null or empty.</summary>
    public IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses { get; init; }

    /// <summary>Created at or after.</summary>
    public DateTime? CreatedFrom { get; init; }

    /// <summary>Created at or before.</summary>
    public DateTime? CreatedTo { get; init; }

    /// <summary>Instance ids starting with this prefix.</summary>
    public string? InstanceIdPrefix { get; init; }

    /// <summary>Maximum instances per page.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Where the previous page ended.</summary>
    public string? ContinuationToken { get; init; }

    /// <summary>Whether a state matches this filter (paging aside).</summary>
    public bool Matches(OrchestrationState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return (Statuses is null || Statuses.Count == 0 || Statuses.Contains(state.RuntimeStatus))
            && (CreatedFrom is null || state.CreatedAt >= CreatedFrom)
            && (CreatedTo is null || state.CreatedAt <= CreatedTo)
            && (InstanceIdPrefix is null || state.InstanceId.StartsWith(InstanceIdPrefix, StringComparison.Ordinal));
    }
}

/// <summary>One page of a query.</summary>
/// <param name="Instances">The states on this page.</param>
/// <param name="ContinuationToken">Token for the next page, or null when this is the last one.</param>
public sealed record InstancePage(IReadOnlyList<OrchestrationState> Instances, string? ContinuationToken);
