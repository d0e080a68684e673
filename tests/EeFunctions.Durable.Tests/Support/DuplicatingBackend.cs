using EeFunctions.Durable.Backend;
using EeFunctions.Durable.History;

namespace EeFunctions.Durable.Tests.Support;

/// <summary>
/// Wraps a backend and delivers every message twice (same message id): each checkpoint's outgoing messages, each activity
/// result and each client message. Models at-least-once queues that redeliver.
/// </summary>
public sealed class DuplicatingBackend(IOrchestrationBackend inner) : IOrchestrationBackend, IDisposable
{
    public Task CreateInstanceAsync(TaskMessage startMessage, IReadOnlyCollection<OrchestrationRuntimeStatus> dedupeStatuses, CancellationToken cancellationToken) =>
        inner.CreateInstanceAsync(startMessage, dedupeStatuses, cancellationToken);

    public async Task<bool> SendMessageAsync(TaskMessage message, CancellationToken cancellationToken) =>
        await inner.SendMessageAsync(message, cancellationToken) && await inner.SendMessageAsync(message, cancellationToken);

    public Task<OrchestrationWorkItem?> LockNextOrchestrationWorkItemAsync(CancellationToken cancellationToken) =>
        inner.LockNextOrchestrationWorkItemAsync(cancellationToken);

    public Task<bool> CompleteOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, OrchestrationCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var doubled = new OrchestrationCheckpoint
        {
            NewHistory = checkpoint.NewHistory,
            ReplacesHistory = checkpoint.ReplacesHistory,
            NewState = checkpoint.NewState,
            ActivityMessages = [.. checkpoint.ActivityMessages, .. checkpoint.ActivityMessages],
            OrchestratorMessages = [.. checkpoint.OrchestratorMessages, .. checkpoint.OrchestratorMessages],
            TimerMessages = [.. checkpoint.TimerMessages, .. checkpoint.TimerMessages],
            DeferredMessages = checkpoint.DeferredMessages,
        };
        return inner.CompleteOrchestrationWorkItemAsync(workItem, doubled, cancellationToken);
    }

    public Task AbandonOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken) =>
        inner.AbandonOrchestrationWorkItemAsync(workItem, cancellationToken);

    public Task<ActivityWorkItem?> LockNextActivityWorkItemAsync(CancellationToken cancellationToken) =>
        inner.LockNextActivityWorkItemAsync(cancellationToken);

    public async Task CompleteActivityWorkItemAsync(ActivityWorkItem workItem, TaskMessage resultMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        await inner.SendMessageAsync(resultMessage, cancellationToken);
        await inner.CompleteActivityWorkItemAsync(workItem, resultMessage, cancellationToken);
    }

    public Task AbandonActivityWorkItemAsync(ActivityWorkItem workItem, CancellationToken cancellationToken) =>
        inner.AbandonActivityWorkItemAsync(workItem, cancellationToken);

    public Task<OrchestrationState?> GetStateAsync(string instanceId, CancellationToken cancellationToken) => inner.GetStateAsync(instanceId, cancellationToken);

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken) => inner.GetHistoryAsync(instanceId, cancellationToken);

    public Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken) => inner.QueryInstancesAsync(query, cancellationToken);

    public Task<int> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken) => inner.PurgeInstanceAsync(instanceId, cancellationToken);

    public Task<int> PurgeInstancesAsync(InstanceQuery filter, CancellationToken cancellationToken) => inner.PurgeInstancesAsync(filter, cancellationToken);

    public Task<OrchestrationState?> WaitForStateAsync(string instanceId, Func<OrchestrationState, bool> predicate, CancellationToken cancellationToken) =>
        inner.WaitForStateAsync(instanceId, predicate, cancellationToken);

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
