using System.Threading.Channels;
using EeFunctions.Durable.Backend;
using EeFunctions.Durable.History;

namespace EeFunctions.Durable.InMemory;

/// <summary>Options of the <see cref="InMemoryOrchestrationBackend"/>.</summary>
public sealed class InMemoryOrchestrationBackendOptions
{
    /// <summary>How long a locked activity may run before it is redelivered (the queue visibility timeout); default 5 minutes.</summary>
    public TimeSpan ActivityLockTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an early-arriving message waits before it is delivered again; default 1 second.</summary>
    public TimeSpan DeferralDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Deliveries of a message (abandoned episodes, expired activity locks) before it is poison and fails its instance or
    /// activity with a <c>PoisonMessage</c> error; default 10, as the Azure Storage backend's <c>MaxDequeueCount</c>.
    /// </summary>
    public int MaxDeliveryCount { get; set; } = 10;
}

/// <summary>
/// The backend in process memory: the fastest embedded mode and the test bed. It has the full semantics of a durable backend
/// (atomic create with dedupe, atomic checkpoints, delayed timer messages, activity locks that expire and redeliver, a poison
/// limit), but nothing survives the process.
/// </summary>
/// <remarks>One lock guards all state; every operation under it is short (list appends and channel writes).</remarks>
public sealed partial class InMemoryOrchestrationBackend : IOrchestrationBackend, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, InstanceRecord> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<StateWaiter>> _waiters = new(StringComparer.Ordinal);
    private readonly HashSet<LockedActivity> _lockedActivities = [];
    private readonly HashSet<DelayedMessage> _delayedMessages = [];
    private readonly Channel<InstanceRecord> _readyInstances = Channel.CreateUnbounded<InstanceRecord>();
    private readonly Channel<QueuedActivity> _activities = Channel.CreateUnbounded<QueuedActivity>();
    private readonly TimeProvider _timeProvider;
    private readonly InMemoryOrchestrationBackendOptions _options;
    private readonly ITimer _lockSweep;
    private bool _disposed;

    /// <summary>Creates a backend on <paramref name="timeProvider"/> (the system clock when null).</summary>
    public InMemoryOrchestrationBackend(TimeProvider? timeProvider = null, InMemoryOrchestrationBackendOptions? options = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _options = options ?? new InMemoryOrchestrationBackendOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxDeliveryCount, 1, nameof(options));
        var sweepPeriod = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, Math.Min(_options.ActivityLockTimeout.Ticks / 4, TimeSpan.TicksPerSecond * 10)));
        _lockSweep = _timeProvider.CreateTimer(static state => ((InMemoryOrchestrationBackend)state!).SweepExpiredLocks(), this, sweepPeriod, sweepPeriod);
    }

    private DateTime Now => _timeProvider.GetUtcNow().UtcDateTime;

    /// <summary>Messages waiting for a future time (timers, scheduled starts, deferred messages).</summary>
    public int DelayedMessageCount
    {
        get
        {
            lock (_gate)
            {
                return _delayedMessages.Count;
            }
        }
    }

    /// <inheritdoc />
    public Task CreateInstanceAsync(TaskMessage startMessage, IReadOnlyCollection<OrchestrationRuntimeStatus> dedupeStatuses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(startMessage);
        ArgumentNullException.ThrowIfNull(dedupeStatuses);
        if (startMessage.Event is not ExecutionStartedEvent)
        {
            throw new ArgumentException("The start message must carry an ExecutionStarted event.", nameof(startMessage));
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_instances.TryGetValue(startMessage.InstanceId, out var existing))
            {
                var status = existing.State.RuntimeStatus;
                if (dedupeStatuses.Contains(status)
                    || (status == OrchestrationRuntimeStatus.ContinuedAsNew && dedupeStatuses.Contains(OrchestrationRuntimeStatus.Running)))
                {
                    throw new OrchestrationAlreadyExistsException(startMessage.InstanceId, status);
                }
            }

            CreateLocked(startMessage);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> SendMessageAsync(TaskMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_instances.ContainsKey(message.InstanceId))
            {
                return Task.FromResult(false);
            }

            RouteLocked(message);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public async Task<OrchestrationWorkItem?> LockNextOrchestrationWorkItemAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var record = await _readyInstances.Reader.ReadAsync(cancellationToken);
            lock (_gate)
            {
                record.Queued = false;
                if (record.Removed || record.Locked || record.Pending.Count == 0)
                {
                    continue;
                }

                var messages = record.Pending;
                record.Pending = [];
                if (!DropPoisonLocked(record, messages))
                {
                    continue;
                }

                record.Locked = true;
                return new OrchestrationWorkItem(record.InstanceId, messages, record.History, record.State, record);
            }
        }
    }

    /// <inheritdoc />
    public Task<bool> CompleteOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, OrchestrationCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var record = (InstanceRecord)workItem.ConcurrencyToken;
        lock (_gate)
        {
            record.Locked = false;
            if (record.Removed)
            {
                return Task.FromResult(false);
            }

            ForgetDeliveriesLocked(record, workItem.NewMessages);
            if (checkpoint.ReplacesHistory)
            {
                record.History = [.. checkpoint.NewHistory];
            }
            else
            {
                record.History.AddRange(checkpoint.NewHistory);
            }

            var stateChanged = checkpoint.NewState is not null && !ReferenceEquals(checkpoint.NewState, record.State);
            if (checkpoint.NewState is not null)
            {
                record.State = checkpoint.NewState;
            }

            foreach (var activity in checkpoint.ActivityMessages)
            {
                _activities.Writer.TryWrite(new QueuedActivity(activity, 1));
            }

            foreach (var message in checkpoint.OrchestratorMessages)
            {
                RouteLocked(message);
            }

            foreach (var timer in checkpoint.TimerMessages)
            {
                RouteLocked(timer);
            }

            foreach (var deferred in checkpoint.DeferredMessages)
            {
                ScheduleLocked(deferred, Now + _options.DeferralDelay);
            }

            EnqueueIfReadyLocked(record);
            if (stateChanged)
            {
                NotifyWaitersLocked(record.InstanceId, record.State);
            }

            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task AbandonOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        var record = (InstanceRecord)workItem.ConcurrencyToken;
        lock (_gate)
        {
            record.Locked = false;
            if (!record.Removed)
            {
                record.Pending.InsertRange(0, workItem.NewMessages);
                EnqueueIfReadyLocked(record);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<ActivityWorkItem?> LockNextActivityWorkItemAsync(CancellationToken cancellationToken)
    {
        var queued = await _activities.Reader.ReadAsync(cancellationToken);
        while (queued.DeliveryCount > _options.MaxDeliveryCount)
        {
            FailPoisonActivity(queued.Message, queued.DeliveryCount);
            queued = await _activities.Reader.ReadAsync(cancellationToken);
        }

        var locked = new LockedActivity(queued, Now + _options.ActivityLockTimeout);
        lock (_gate)
        {
            _lockedActivities.Add(locked);
        }

        return new ActivityWorkItem(queued.Message, locked, queued.DeliveryCount);
    }

    /// <inheritdoc />
    public Task CompleteActivityWorkItemAsync(ActivityWorkItem workItem, TaskMessage resultMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        ArgumentNullException.ThrowIfNull(resultMessage);
        lock (_gate)
        {
            // Send first, then delete: even when the lock expired (the activity was redelivered) the result is sent; the engine
            // drops the second result.
            RouteLocked(resultMessage);
            _lockedActivities.Remove((LockedActivity)workItem.LockToken);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task AbandonActivityWorkItemAsync(ActivityWorkItem workItem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        var locked = (LockedActivity)workItem.LockToken;
        lock (_gate)
        {
            if (_lockedActivities.Remove(locked))
            {
                _activities.Writer.TryWrite(locked.Activity with { DeliveryCount = locked.Activity.DeliveryCount + 1 });
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<OrchestrationState?> GetStateAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_instances.TryGetValue(instanceId, out var record) ? record.State : null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<HistoryEvent> history = _instances.TryGetValue(instanceId, out var record) ? [.. record.History] : [];
            return Task.FromResult(history);
        }
    }

    /// <inheritdoc />
    public Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1, nameof(query));
        lock (_gate)
        {
            var after = query.ContinuationToken;
            var page = _instances.Values
                .Where(r => (after is null || string.CompareOrdinal(r.InstanceId, after) > 0) && query.Matches(r.State))
                .OrderBy(r => r.InstanceId, StringComparer.Ordinal)
                .Take(query.PageSize + 1)
                .Select(r => r.State)
                .ToList();
            string? token = null;
            if (page.Count > query.PageSize)
            {
                page.RemoveAt(page.Count - 1);
                token = page[^1].InstanceId;
            }

            return Task.FromResult(new InstancePage(page, token));
        }
    }

    /// <inheritdoc />
    public Task<int> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_instances.TryGetValue(instanceId, out var record))
            {
                return Task.FromResult(0);
            }

            if (!record.State.RuntimeStatus.IsTerminal())
            {
                throw new InvalidOperationException(
                    $"The instance '{instanceId}' is {record.State.RuntimeStatus}; only completed, failed or terminated instances can be purged.");
            }

            RemoveLocked(record);
            return Task.FromResult(1);
        }
    }

    /// <inheritdoc />
    public Task<int> PurgeInstancesAsync(InstanceQuery filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (_gate)
        {
            var victims = _instances.Values.Where(r => r.State.RuntimeStatus.IsTerminal() && filter.Matches(r.State)).ToList();
            foreach (var record in victims)
            {
                RemoveLocked(record);
            }

            return Task.FromResult(victims.Count);
        }
    }

    /// <inheritdoc />
    public async Task<OrchestrationState?> WaitForStateAsync(string instanceId, Func<OrchestrationState, bool> predicate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        StateWaiter waiter;
        lock (_gate)
        {
            if (!_instances.TryGetValue(instanceId, out var record))
            {
                return null;
            }

            if (predicate(record.State))
            {
                return record.State;
            }

            waiter = new StateWaiter(predicate);
            if (!_waiters.TryGetValue(instanceId, out var list))
            {
                list = [];
                _waiters[instanceId] = list;
            }

            list.Add(waiter);
        }

        using (cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                if (_waiters.TryGetValue(instanceId, out var list))
                {
                    list.Remove(waiter);
                }
            }

            waiter.Completion.TrySetCanceled(cancellationToken);
        }))
        {
            return await waiter.Completion.Task;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var delayed in _delayedMessages)
            {
                delayed.Timer?.Dispose();
            }

            _delayedMessages.Clear();
        }

        _lockSweep.Dispose();
        _readyInstances.Writer.TryComplete();
        _activities.Writer.TryComplete();
    }

    private void CreateLocked(TaskMessage startMessage)
    {
        var start = (ExecutionStartedEvent)startMessage.Event;
        if (_instances.TryGetValue(start.InstanceId, out var existing))
        {
            existing.Removed = true;
        }

        var record = new InstanceRecord(start.InstanceId)
        {
            State = OrchestrationState.Pending(start),
        };
        _instances[start.InstanceId] = record;
        RouteLocked(startMessage);
        NotifyWaitersLocked(record.InstanceId, record.State);
    }

    private void RouteLocked(TaskMessage message)
    {
        if (message.VisibleAt is { } visibleAt && visibleAt > Now)
        {
            ScheduleLocked(message, visibleAt);
            return;
        }

        DeliverLocked(message);
    }

    private void DeliverLocked(TaskMessage message)
    {
        if (_disposed)
        {
            return;
        }

        _instances.TryGetValue(message.InstanceId, out var record);
        if (message.Event is ExecutionStartedEvent { ParentInstance: { } parent } start
            && (record is null || (record.State.ExecutionId != start.ExecutionId)))
        {
            // A sub-orchestration start: create the child, unless an active instance already has the id.
            if (record is null || record.State.RuntimeStatus.IsTerminal())
            {
                CreateLocked(message);
                return;
            }

            var failure = new TaskFailureDetails(
                typeof(OrchestrationAlreadyExistsException).FullName!,
                $"An orchestration instance with the ID '{start.InstanceId}' and status {record.State.RuntimeStatus} already exists.");
            DeliverLocked(TaskMessage.Create(parent.InstanceId, parent.ExecutionId, new SubOrchestrationInstanceFailedEvent(Now, parent.TaskScheduledId, failure)));
            return;
        }

        if (record is null)
        {
            return;
        }

        record.Pending.Add(message);
        EnqueueIfReadyLocked(record);
    }

    private void ScheduleLocked(TaskMessage message, DateTime dueAt)
    {
        if (_disposed)
        {
            return;
        }

        var delayed = new DelayedMessage(this, message);
        _delayedMessages.Add(delayed);
        var delay = dueAt - Now;
        delayed.Timer = _timeProvider.CreateTimer(static state => ((DelayedMessage)state!).Fire(), delayed, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }

    private void FireDelayed(DelayedMessage delayed)
    {
        lock (_gate)
        {
            if (!_delayedMessages.Remove(delayed))
            {
                return;
            }

            DeliverLocked(delayed.Message);
        }

        delayed.Timer?.Dispose();
    }

    private void EnqueueIfReadyLocked(InstanceRecord record)
    {
        if (!record.Locked && !record.Queued && !record.Removed && record.Pending.Count > 0)
        {
            record.Queued = true;
            _readyInstances.Writer.TryWrite(record);
        }
    }

    private void RemoveLocked(InstanceRecord record)
    {
        record.Removed = true;
        _instances.Remove(record.InstanceId);
        if (_waiters.Remove(record.InstanceId, out var waiters))
        {
            foreach (var waiter in waiters)
            {
                waiter.Completion.TrySetResult(null);
            }
        }
    }

    private void NotifyWaitersLocked(string instanceId, OrchestrationState state)
    {
        if (!_waiters.TryGetValue(instanceId, out var waiters))
        {
            return;
        }

        for (var i = waiters.Count - 1; i >= 0; i--)
        {
            if (waiters[i].Predicate(state))
            {
                waiters[i].Completion.TrySetResult(state);
                waiters.RemoveAt(i);
            }
        }

        if (waiters.Count == 0)
        {
            _waiters.Remove(instanceId);
        }
    }

    private void SweepExpiredLocks()
    {
        lock (_gate)
        {
            if (_lockedActivities.Count == 0)
            {
                return;
            }

            var now = Now;
            var expired = _lockedActivities.Where(l => l.ExpiresAt <= now).ToList();
            foreach (var locked in expired)
            {
                // The worker holding it is presumed dead: redeliver (at-least-once).
                _lockedActivities.Remove(locked);
                _activities.Writer.TryWrite(locked.Activity with { DeliveryCount = locked.Activity.DeliveryCount + 1 });
            }
        }
    }

    private sealed class InstanceRecord(string instanceId)
    {
        public string InstanceId { get; } = instanceId;

        public required OrchestrationState State { get; set; }

        public List<HistoryEvent> History { get; set; } = [];

        public List<TaskMessage> Pending { get; set; } = [];

        public bool Locked { get; set; }

        public bool Queued { get; set; }

        public bool Removed { get; set; }

        /// <summary>Deliveries so far of the pending messages that were handed out and not consumed, by message id.</summary>
        public Dictionary<string, int> Deliveries { get; } = new(StringComparer.Ordinal);
    }

    private sealed record QueuedActivity(TaskMessage Message, int DeliveryCount);

    private sealed class LockedActivity(QueuedActivity activity, DateTime expiresAt)
    {
        public QueuedActivity Activity { get; } = activity;

        public DateTime ExpiresAt { get; } = expiresAt;
    }

    private sealed class DelayedMessage(InMemoryOrchestrationBackend owner, TaskMessage message)
    {
        public TaskMessage Message { get; } = message;

        public ITimer? Timer { get; set; }

        public void Fire() => owner.FireDelayed(this);
    }

    private sealed class StateWaiter(Func<OrchestrationState, bool> predicate)
    {
        public Func<OrchestrationState, bool> Predicate { get; } = predicate;

        public TaskCompletionSource<OrchestrationState?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
