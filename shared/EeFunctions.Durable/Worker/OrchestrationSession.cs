using System.Globalization;
using System.Text;
using EeFunctions.Durable.Backend;
using EeFunctions.Durable.History;
using Microsoft.Extensions.Logging;

namespace EeFunctions.Durable.Worker;

/// <summary>
/// One execution of an orchestrator as a live state machine: the orchestrator's suspended code plus the bookkeeping that maps
/// history events to its awaits. A session is built by replaying history and then kept in the owning worker's cache, so a later
/// episode only applies its k new events (O(k)) instead of replaying the whole history.
/// </summary>
internal sealed partial class OrchestrationSession : TaskOrchestrationContext
{
    private const int MaxCustomStatusBytes = 16 * 1024;

    private readonly ITaskOrchestrator _orchestrator;
    private readonly DataConverter _converter;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeSpan _maximumTimerInterval;
    private readonly OrchestrationSynchronizationContext _scheduler = new();
    private readonly ExecutionStartedEvent _start;

    // Calls the code made while replaying, waiting to be matched with the scheduling events recorded in history.
    private readonly Queue<HistoryEvent> _replayedActions = new();

    // Calls the code made in the current (new) episode: they become history and messages at the checkpoint.
    private readonly List<HistoryEvent> _newActions = [];
    private readonly Dictionary<int, OpenTask> _openTasks = [];
    private readonly Dictionary<string, Queue<BufferedEvent>> _bufferedEvents = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Queue<TaskCompletionSource<string?>>> _eventWaiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<HistoryEvent> _suspendedEvents = new();
    private readonly HashSet<string> _processedMessageIds = new(StringComparer.Ordinal);

    private Task<object?>? _orchestratorTask;
    private DateTime _currentUtcDateTime;
    private bool _isReplaying;
    private bool _isSuspended;
    private int _nextSequenceNumber;
    private int _committedSequenceNumber;
    private int _newGuidCounter;
    private long _eventSequence;

    public OrchestrationSession(
        ExecutionStartedEvent start,
        ITaskOrchestrator orchestrator,
        DataConverter converter,
        ILoggerFactory loggerFactory,
        TimeSpan maximumTimerInterval,
        string? customStatus)
    {
        _start = start;
        _orchestrator = orchestrator;
        _converter = converter;
        _loggerFactory = loggerFactory;
        _maximumTimerInterval = maximumTimerInterval;
        CustomStatus = customStatus;
        _currentUtcDateTime = start.Timestamp;
    }

    public override string InstanceId => _start.InstanceId;

    public override string Name => _start.Name;

    public override bool IsReplaying => _isReplaying;

    public override DateTime CurrentUtcDateTime => _currentUtcDateTime;

    public override ParentOrchestrationInstance? Parent => _start.ParentInstance;

    public string ExecutionId => _start.ExecutionId;

    public ExecutionStartedEvent StartEvent => _start;

    /// <summary>How many history events of this execution the session has applied (committed history length).</summary>
    public int HistoryCount { get; set; }

    public string? CustomStatus { get; private set; }

    public bool IsSuspended => _isSuspended;

    /// <summary>Set once the execution has ended (completed, failed, terminated or continued as new).</summary>
    public ExecutionOutcome? Outcome { get; private set; }

    protected override ILoggerFactory LoggerFactory => _loggerFactory;

    public override T? GetInput<T>()
        where T : default => _converter.Deserialize<T>(_start.Input);

    /// <summary>Replays committed history. Throws <see cref="NonDeterministicOrchestrationException"/> when the code diverges.</summary>
    public void Replay(IReadOnlyList<HistoryEvent> history)
    {
        _isReplaying = true;
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_scheduler);
        try
        {
            foreach (var historyEvent in history)
            {
                switch (historyEvent)
                {
                    case TaskScheduledEvent or TimerCreatedEvent or SubOrchestrationInstanceCreatedEvent or EventSentEvent:
                        MatchReplayedAction(historyEvent);
                        break;
                    case OrchestratorCompletedEvent when _replayedActions.Count > 0:
                        var extra = _replayedActions.Peek();
                        throw new NonDeterministicOrchestrationException(
                            $"Non-deterministic orchestration '{Name}' ({InstanceId}): history has no call with sequence number {extra.EventId}, " +
                            $"but the replay {Describe(extra)}.");
                    case ExecutionCompletedEvent or ContinueAsNewEvent:
                        break;
                    default:
                        Apply(historyEvent);
                        break;
                }
            }

            HistoryCount = history.Count;
            _committedSequenceNumber = _nextSequenceNumber;
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
            _isReplaying = false;
        }
    }

    /// <summary>
    /// Records a client message (event, suspend, resume, terminate) as applied and returns false when it already was: such
    /// messages have no task id to deduplicate by, so their message ids are remembered while the session is cached.
    /// </summary>
    public bool TryMarkProcessed(string messageId) => _processedMessageIds.Add(messageId);

    /// <summary>
    /// Decides what to do with a new event: apply it, drop it (duplicate or for a finished task) or defer it (its scheduling
    /// event is not in history yet).
    /// </summary>
    public MessageDisposition Classify(HistoryEvent historyEvent, HashSet<int> acceptedTaskIds)
    {
        int taskId;
        bool isTimer;
        switch (historyEvent)
        {
            case TaskCompletedEvent e:
                (taskId, isTimer) = (e.TaskScheduledId, false);
                break;
            case TaskFailedEvent e:
                (taskId, isTimer) = (e.TaskScheduledId, false);
                break;
            case SubOrchestrationInstanceCompletedEvent e:
                (taskId, isTimer) = (e.TaskScheduledId, false);
                break;
            case SubOrchestrationInstanceFailedEvent e:
                (taskId, isTimer) = (e.TaskScheduledId, false);
                break;
            case TimerFiredEvent e:
                (taskId, isTimer) = (e.TimerId, true);
                break;
            case EventRaisedEvent or ExecutionTerminatedEvent or ExecutionSuspendedEvent or ExecutionResumedEvent:
                return MessageDisposition.Apply;
            default:
                return MessageDisposition.Drop;
        }

        if (taskId >= _committedSequenceNumber)
        {
            return MessageDisposition.Defer;
        }

        if (!_openTasks.TryGetValue(taskId, out var open) || open.IsTimer != isTimer || !acceptedTaskIds.Add(taskId))
        {
            return MessageDisposition.Drop;
        }

        return MessageDisposition.Apply;
    }

    /// <summary>
    /// Runs one new episode: applies <paramref name="newEvents"/> at time <paramref name="now"/> and returns the history events to
    /// append (OrchestratorStarted ... OrchestratorCompleted).
    /// </summary>
    public List<HistoryEvent> RunEpisode(DateTime now, IReadOnlyList<HistoryEvent> newEvents)
    {
        var appended = new List<HistoryEvent>(newEvents.Count + 4);
        _newActions.Clear();
        var started = new OrchestratorStartedEvent(now);
        appended.Add(started);
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_scheduler);
        try
        {
            Apply(started);
            for (var i = 0; i < newEvents.Count; i++)
            {
                if (Outcome is not null)
                {
                    // The execution ended: later events are left unprocessed (carried over by ContinueAsNew when asked).
                    UnprocessedEvents.AddRange(newEvents.Skip(i).OfType<EventRaisedEvent>());
                    break;
                }

                appended.Add(newEvents[i]);
                Apply(newEvents[i]);
            }
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        appended.AddRange(_newActions);
        _committedSequenceNumber = _nextSequenceNumber;
        return appended;
    }

    /// <summary>The actions of the last episode (scheduling events).</summary>
    public IReadOnlyList<HistoryEvent> NewActions => _newActions;

    /// <summary>External events that arrived but were never consumed, in arrival order (for ContinueAsNew carry-over).</summary>
    public List<EventRaisedEvent> UnprocessedEvents { get; } = [];

    public IEnumerable<EventRaisedEvent> GetCarryOverEvents() =>
        _bufferedEvents.Values.SelectMany(q => q)
            .Concat(_suspendedEvents.OfType<EventRaisedEvent>().Select(e => new BufferedEvent(long.MaxValue, e)))
            .OrderBy(b => b.Sequence)
            .Select(b => b.Event)
            .Concat(UnprocessedEvents);

    private void Apply(HistoryEvent historyEvent)
    {
        if (Outcome is not null)
        {
            return;
        }

        if (_isSuspended && historyEvent is TaskCompletedEvent or TaskFailedEvent or SubOrchestrationInstanceCompletedEvent
            or SubOrchestrationInstanceFailedEvent or TimerFiredEvent or EventRaisedEvent)
        {
            _suspendedEvents.Enqueue(historyEvent);
            return;
        }

        switch (historyEvent)
        {
            case OrchestratorStartedEvent e:
                _currentUtcDateTime = e.Timestamp;
                break;
            case ExecutionStartedEvent:
                StartOrchestrator();
                break;
            case TaskCompletedEvent e:
                Complete(e.TaskScheduledId, e.Result);
                break;
            case TaskFailedEvent e:
                Fail(e.TaskScheduledId, e.FailureDetails);
                break;
            case SubOrchestrationInstanceCompletedEvent e:
                Complete(e.TaskScheduledId, e.Result);
                break;
            case SubOrchestrationInstanceFailedEvent e:
                Fail(e.TaskScheduledId, e.FailureDetails);
                break;
            case TimerFiredEvent e:
                Complete(e.TimerId, null);
                break;
            case EventRaisedEvent e:
                DeliverEvent(e);
                break;
            case ExecutionSuspendedEvent:
                _isSuspended = true;
                break;
            case ExecutionResumedEvent:
                _isSuspended = false;
                while (!_isSuspended && Outcome is null && _suspendedEvents.TryDequeue(out var buffered))
                {
                    Apply(buffered);
                }

                break;
            case ExecutionTerminatedEvent e:
                Outcome = new ExecutionOutcome(OrchestrationRuntimeStatus.Terminated, e.Reason, null);
                return;
            default:
                return;
        }

        _scheduler.Drain();
        CheckCompletion();
    }

    private void StartOrchestrator()
    {
        try
        {
            var input = _converter.Deserialize(_start.Input, _orchestrator.InputType);
            _orchestratorTask = _orchestrator.RunAsync(this, input);
        }
#pragma warning disable CA1031 // Any failure of user code fails the instance with its details.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _orchestratorTask = Task.FromException<object?>(ex);
        }
    }

    private void CheckCompletion()
    {
        if (Outcome is null && _scheduler.UnhandledException is { } unhandled)
        {
            var failure = TaskFailureDetails.FromException(unhandled);
            Outcome = new ExecutionOutcome(OrchestrationRuntimeStatus.Failed, failure.ErrorMessage, failure);
            return;
        }

        if (_orchestratorTask is not { IsCompleted: true } task || Outcome is not null)
        {
            return;
        }

        if (task.IsCompletedSuccessfully)
        {
            if (_continueAsNew is { } next)
            {
                Outcome = new ExecutionOutcome(OrchestrationRuntimeStatus.ContinuedAsNew, next.Input, null, next.PreserveUnprocessedEvents);
                return;
            }

            try
            {
                Outcome = new ExecutionOutcome(OrchestrationRuntimeStatus.Completed, _converter.Serialize(task.Result), null);
            }
#pragma warning disable CA1031 // An unserializable output fails the instance instead of the worker.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Outcome = new ExecutionOutcome(OrchestrationRuntimeStatus.Failed, ex.Message, TaskFailureDetails.FromException(ex));
            }

            return;
        }

        var exception = task.Exception?.InnerException ?? new TaskCanceledException("The orchestrator was cancelled.");
        var details = TaskFailureDetails.FromException(exception);
        Outcome = new ExecutionOutcome(OrchestrationRuntimeStatus.Failed, details.ErrorMessage, details);
    }

    private void Complete(int taskId, string? result)
    {
        if (_openTasks.Remove(taskId, out var open))
        {
            open.Completion.TrySetResult(result);
        }
    }

    private void Fail(int taskId, TaskFailureDetails details)
    {
        if (_openTasks.Remove(taskId, out var open))
        {
            open.Completion.TrySetException(new TaskFailedException(open.Name, taskId, details));
        }
    }

    private void DeliverEvent(EventRaisedEvent e)
    {
        if (_eventWaiters.TryGetValue(e.Name, out var waiters))
        {
            while (waiters.TryDequeue(out var waiter))
            {
                if (waiter.TrySetResult(e.Input))
                {
                    return;
                }
            }
        }

        if (!_bufferedEvents.TryGetValue(e.Name, out var queue))
        {
            queue = new Queue<BufferedEvent>();
            _bufferedEvents[e.Name] = queue;
        }

        queue.Enqueue(new BufferedEvent(_eventSequence++, e));
    }

    private void MatchReplayedAction(HistoryEvent recorded)
    {
        if (!_replayedActions.TryDequeue(out var produced))
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestration '{Name}' ({InstanceId}): a previous execution {Describe(recorded)}, " +
                $"but the replay made no call with sequence number {recorded.EventId}.");
        }

        if (!IsSameCall(produced, recorded))
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestration '{Name}' ({InstanceId}): a previous execution {Describe(recorded)}, " +
                $"but the replay {Describe(produced)}.");
        }
    }

    private static bool IsSameCall(HistoryEvent produced, HistoryEvent recorded) =>
        produced.EventId == recorded.EventId && (produced, recorded) switch
        {
            (TaskScheduledEvent a, TaskScheduledEvent b) => string.Equals(a.Name, b.Name, StringComparison.OrdinalIgnoreCase),
            (SubOrchestrationInstanceCreatedEvent a, SubOrchestrationInstanceCreatedEvent b) =>
                string.Equals(a.Name, b.Name, StringComparison.OrdinalIgnoreCase),
            (EventSentEvent a, EventSentEvent b) => string.Equals(a.Name, b.Name, StringComparison.OrdinalIgnoreCase),
            (TimerCreatedEvent, TimerCreatedEvent) => true,
            _ => false,
        };

    internal static string Describe(HistoryEvent action) => action switch
    {
        TaskScheduledEvent e => $"scheduled activity '{e.Name}' (#{e.EventId})",
        SubOrchestrationInstanceCreatedEvent e => $"started sub-orchestration '{e.Name}' (#{e.EventId})",
        EventSentEvent e => $"sent event '{e.Name}' to '{e.InstanceId}' (#{e.EventId})",
        TimerCreatedEvent e => $"created a timer (#{e.EventId})",
        _ => $"recorded {action.EventType} (#{action.EventId})",
    };

    private void AddAction(HistoryEvent action)
    {
        if (_isReplaying)
        {
            _replayedActions.Enqueue(action);
        }
        else
        {
            _newActions.Add(action);
        }
    }

    private string? SerializeInput(object? input) => _converter.Serialize(input);

    public override Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var serialized = SerializeInput(input);
        return options?.Retry is { } retry
            ? RetryAsync(() => CallActivityOnceAsync<TResult>(name, serialized), retry)
            : CallActivityOnceAsync<TResult>(name, serialized);
    }

    private Task<TResult> CallActivityOnceAsync<TResult>(string name, string? serializedInput)
    {
        var id = _nextSequenceNumber++;
        var open = new OpenTask(name, isTimer: false);
        _openTasks.Add(id, open);
        AddAction(new TaskScheduledEvent(id, _currentUtcDateTime, name, serializedInput));
        return AwaitResultAsync<TResult>(open.Completion.Task);
    }

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(string orchestratorName, object? input = null, TaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orchestratorName);
        var serialized = SerializeInput(input);
        var explicitId = (options as SubOrchestrationOptions)?.InstanceId;
        if (explicitId is not null)
        {
            InstanceIdValidator.Validate(explicitId, nameof(options));
        }

        return options?.Retry is { } retry
            ? RetryAsync(() => CallSubOrchestratorOnceAsync<TResult>(orchestratorName, explicitId, serialized), retry)
            : CallSubOrchestratorOnceAsync<TResult>(orchestratorName, explicitId, serialized);
    }

    private Task<TResult> CallSubOrchestratorOnceAsync<TResult>(string name, string? instanceId, string? serializedInput)
    {
        instanceId ??= NewGuid().ToString("N");
        var id = _nextSequenceNumber++;
        var open = new OpenTask(name, isTimer: false);
        _openTasks.Add(id, open);
        AddAction(new SubOrchestrationInstanceCreatedEvent(id, _currentUtcDateTime, name, instanceId, serializedInput));
        return AwaitResultAsync<TResult>(open.Completion.Task);
    }

    private async Task<TResult> AwaitResultAsync<TResult>(Task<string?> completion)
    {
        var result = await completion;
        return _converter.Deserialize<TResult>(result)!;
    }

    private async Task<TResult> RetryAsync<TResult>(Func<Task<TResult>> call, TaskRetryOptions retry)
    {
        var firstAttempt = _currentUtcDateTime;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (TaskFailedException ex)
            {
                if (retry.Policy is { } policy)
                {
                    if (policy.HandleFailure is { } handle && !handle(ex.FailureDetails))
                    {
                        throw;
                    }

                    if (policy.GetNextDelay(attempt, _currentUtcDateTime - firstAttempt) is not { } delay)
                    {
                        throw;
                    }

                    await CreateTimer(delay, CancellationToken.None);
                }
                else
                {
                    var context = new RetryContext(this, attempt, ex.FailureDetails, _currentUtcDateTime - firstAttempt, CancellationToken.None);
                    if (!await retry.Handler!(context))
                    {
                        throw;
                    }
                }
            }
        }
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        fireAt = fireAt.Kind == DateTimeKind.Local ? fireAt.ToUniversalTime() : DateTime.SpecifyKind(fireAt, DateTimeKind.Utc);
        return fireAt - _currentUtcDateTime > _maximumTimerInterval
            ? CreateLongTimerAsync(fireAt, cancellationToken)
            : CreateTimerCore(fireAt, cancellationToken);
    }

    private async Task CreateLongTimerAsync(DateTime fireAt, CancellationToken cancellationToken)
    {
        // Timers longer than the backend's maximum delay become a chain of shorter durable timers.
        while (fireAt - _currentUtcDateTime > _maximumTimerInterval)
        {
            await CreateTimerCore(_currentUtcDateTime + _maximumTimerInterval, cancellationToken);
        }

        await CreateTimerCore(fireAt, cancellationToken);
    }

    private Task<string?> CreateTimerCore(DateTime fireAt, CancellationToken cancellationToken)
    {
        var id = _nextSequenceNumber++;
        var open = new OpenTask("timer", isTimer: true);
        _openTasks.Add(id, open);
        AddAction(new TimerCreatedEvent(id, _currentUtcDateTime, fireAt));
        if (cancellationToken.CanBeCanceled)
        {
            // The timer stays open so that its TimerFired is recognised (and ignored) when it arrives.
            cancellationToken.Register(static state => ((TaskCompletionSource<string?>)state!).TrySetCanceled(), open.Completion);
        }

        return open.Completion.Task;
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        if (_bufferedEvents.TryGetValue(eventName, out var buffered) && buffered.TryDequeue(out var ready))
        {
            return AwaitResultAsync<T>(Task.FromResult(ready.Event.Input));
        }

        var waiter = new TaskCompletionSource<string?>();
        if (!_eventWaiters.TryGetValue(eventName, out var waiters))
        {
            waiters = new Queue<TaskCompletionSource<string?>>();
            _eventWaiters[eventName] = waiters;
        }

        waiters.Enqueue(waiter);
        if (cancellationToken.CanBeCanceled)
        {
            // A cancelled waiter is skipped when an event arrives (TrySetResult fails on it).
            cancellationToken.Register(static state => ((TaskCompletionSource<string?>)state!).TrySetCanceled(), waiter);
        }

        return AwaitResultAsync<T>(waiter.Task);
    }

    public override void SendEvent(string instanceId, string eventName, object? payload)
    {
        InstanceIdValidator.Validate(instanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var id = _nextSequenceNumber++;
        AddAction(new EventSentEvent(id, _currentUtcDateTime, instanceId, eventName, SerializeInput(payload)));
    }

    public override void SetCustomStatus(object? customStatus)
    {
        var serialized = _converter.Serialize(customStatus);
        if (serialized is not null && Encoding.UTF8.GetByteCount(serialized) > MaxCustomStatusBytes)
        {
            throw new ArgumentException(
                $"The custom status is {Encoding.UTF8.GetByteCount(serialized)} bytes of JSON; the limit is {MaxCustomStatusBytes} bytes.",
                nameof(customStatus));
        }

        CustomStatus = serialized;
    }

    private (string? Input, bool PreserveUnprocessedEvents)? _continueAsNew;

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) =>
        _continueAsNew = (SerializeInput(newInput), preserveUnprocessedEvents);

    public override Guid NewGuid()
    {
        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"{InstanceId}_{_currentUtcDateTime.ToString("o", CultureInfo.InvariantCulture)}_{_newGuidCounter++}");
        return DeterministicGuid.Create(DeterministicGuid.DurableTaskNamespace, name);
    }

    private sealed class OpenTask(string name, bool isTimer)
    {
        public string Name { get; } = name;

        public bool IsTimer { get; } = isTimer;

        public TaskCompletionSource<string?> Completion { get; } = new();
    }

    private readonly record struct BufferedEvent(long Sequence, EventRaisedEvent Event);
}

/// <summary>What the engine does with an incoming message.</summary>
internal enum MessageDisposition
{
    Apply,
    Drop,
    Defer,
}

/// <summary>How an execution ended.</summary>
internal sealed record ExecutionOutcome(
    OrchestrationRuntimeStatus Status,
    string? Output,
    TaskFailureDetails? FailureDetails,
    bool PreserveUnprocessedEvents = false);
