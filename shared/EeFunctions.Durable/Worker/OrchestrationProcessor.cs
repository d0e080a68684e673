using System.Collections.Concurrent;
using EeFunctions.Durable.Backend;
using EeFunctions.Durable.History;
using Microsoft.Extensions.Logging;

namespace EeFunctions.Durable.Worker;

/// <summary>
/// Turns an orchestration work item into a checkpoint: filters the messages (drops duplicates and stale ones, defers early
/// arrivals), gets the instance's session from the cache or rebuilds it by replay, runs the episode and collects the new
/// history, state and outgoing messages. Pure CPU work; the dispatcher does the I/O.
/// </summary>
internal sealed class OrchestrationProcessor
{
    private readonly DurableTaskRegistry _registry;
    private readonly DataConverter _converter;
    private readonly TimeProvider _timeProvider;
    private readonly DurableTaskWorkerOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly IServiceProvider? _services;
    private readonly ConcurrentDictionary<string, OrchestrationSession> _cache = new(StringComparer.Ordinal);

    public OrchestrationProcessor(
        DurableTaskRegistry registry,
        DataConverter converter,
        TimeProvider timeProvider,
        DurableTaskWorkerOptions options,
        ILoggerFactory loggerFactory,
        IServiceProvider? services)
    {
        _registry = registry;
        _converter = converter;
        _timeProvider = timeProvider;
        _options = options;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("EeFunctions.Durable.Worker");
        _services = services;
    }

    /// <summary>How many instances are cached (for tests and diagnostics).</summary>
    public int CachedInstanceCount => _cache.Count;

    /// <summary>Forgets the cached state of an instance (the checkpoint was not committed, or the work item was abandoned).</summary>
    public void Evict(string instanceId) => _cache.TryRemove(instanceId, out _);

    public void EvictAll() => _cache.Clear();

    public OrchestrationCheckpoint Process(OrchestrationWorkItem workItem)
    {
        var state = workItem.State;
        var instanceId = workItem.InstanceId;
        if (state is null || state.RuntimeStatus.IsTerminal())
        {
            Evict(instanceId);
            foreach (var message in workItem.NewMessages)
            {
                _logger.MessageDropped(instanceId, message.Event.EventType, message.MessageId, state is null ? "no such instance" : $"instance is {state.RuntimeStatus}");
            }

            return OrchestrationCheckpoint.Empty;
        }

        var now = _timeProvider.GetUtcNow().UtcDateTime;
        var awaitingStart = workItem.History.Count == 0 || state.RuntimeStatus == OrchestrationRuntimeStatus.ContinuedAsNew;
        return awaitingStart ? ProcessStart(workItem, state, now) : ProcessRunning(workItem, state, now);
    }

    private OrchestrationCheckpoint ProcessStart(OrchestrationWorkItem workItem, OrchestrationState state, DateTime now)
    {
        Evict(workItem.InstanceId);
        TaskMessage? startMessage = null;
        foreach (var message in workItem.NewMessages)
        {
            if (message.Event is ExecutionStartedEvent started && started.ExecutionId == state.ExecutionId)
            {
                startMessage = message;
                break;
            }
        }

        if (startMessage is null)
        {
            return ProcessBeforeStart(workItem, state, now);
        }

        var start = (ExecutionStartedEvent)startMessage.Event;
        if (!_registry.TryCreateOrchestrator(start.Name, _services, out var orchestrator))
        {
            var details = new TaskFailureDetails("OrchestratorTaskNotFound", $"No orchestrator named '{start.Name}' is registered.");
            var history = new List<HistoryEvent>
            {
                new OrchestratorStartedEvent(now),
                start,
                new ExecutionCompletedEvent(now, OrchestrationRuntimeStatus.Failed, details.ErrorMessage, details),
                new OrchestratorCompletedEvent(now),
            };
            return BuildFinalCheckpoint(state, start, history, replacesHistory: true, new ExecutionOutcome(OrchestrationRuntimeStatus.Failed, details.ErrorMessage, details), now);
        }

        var session = new OrchestrationSession(start, orchestrator!, _converter, _loggerFactory, _options.MaximumTimerInterval, state.CustomStatus);
        return RunEpisode(workItem, state, session, startMessage, now, replacesHistory: true);
    }

    private OrchestrationCheckpoint ProcessBeforeStart(OrchestrationWorkItem workItem, OrchestrationState state, DateTime now)
    {
        // No start yet (a scheduled start, or a continue-as-new start still in flight). Terminate applies at once; anything
        // else for the coming execution waits for it.
        var deferred = new List<TaskMessage>();
        foreach (var message in workItem.NewMessages)
        {
            if (message.ExecutionId is not null && message.ExecutionId != state.ExecutionId)
            {
                _logger.MessageDropped(workItem.InstanceId, message.Event.EventType, message.MessageId, "stale execution");
                continue;
            }

            if (message.Event is ExecutionTerminatedEvent terminated)
            {
                var output = terminated.Reason;
                return new OrchestrationCheckpoint
                {
                    NewHistory = [terminated, new ExecutionCompletedEvent(now, OrchestrationRuntimeStatus.Terminated, output)],
                    ReplacesHistory = true,
                    NewState = state with
                    {
                        RuntimeStatus = OrchestrationRuntimeStatus.Terminated,
                        Output = output,
                        LastUpdatedAt = now,
                        CompletedAt = now,
                    },
                };
            }

            if (message.Event is not ExecutionStartedEvent)
            {
                deferred.Add(message);
            }
        }

        return new OrchestrationCheckpoint { DeferredMessages = deferred };
    }

    private OrchestrationCheckpoint ProcessRunning(OrchestrationWorkItem workItem, OrchestrationState state, DateTime now)
    {
        var instanceId = workItem.InstanceId;
        if (!_cache.TryGetValue(instanceId, out var session)
            || session.ExecutionId != state.ExecutionId
            || session.HistoryCount != workItem.History.Count)
        {
            Evict(instanceId);
            var history = workItem.History;
            if (history.OfType<ExecutionStartedEvent>().FirstOrDefault() is not { } start)
            {
                _logger.HistoryCorrupt(instanceId);
                return OrchestrationCheckpoint.Empty;
            }

            if (!_registry.TryCreateOrchestrator(start.Name, _services, out var orchestrator))
            {
                var details = new TaskFailureDetails("OrchestratorTaskNotFound", $"No orchestrator named '{start.Name}' is registered.");
                return FailRunning(state, start, details, now);
            }

            session = new OrchestrationSession(start, orchestrator!, _converter, _loggerFactory, _options.MaximumTimerInterval, null);
            try
            {
                session.Replay(history);
            }
            catch (NonDeterministicOrchestrationException ex)
            {
                _logger.NonDeterminism(instanceId, ex.Message);
                return FailRunning(state, start, TaskFailureDetails.FromException(ex), now);
            }
        }

        return RunEpisode(workItem, state, session, startMessage: null, now, replacesHistory: false);
    }

    private OrchestrationCheckpoint FailRunning(OrchestrationState state, ExecutionStartedEvent start, TaskFailureDetails details, DateTime now)
    {
        var history = new List<HistoryEvent>
        {
            new OrchestratorStartedEvent(now),
            new ExecutionCompletedEvent(now, OrchestrationRuntimeStatus.Failed, details.ErrorMessage, details),
            new OrchestratorCompletedEvent(now),
        };
        return BuildFinalCheckpoint(state, start, history, replacesHistory: false, new ExecutionOutcome(OrchestrationRuntimeStatus.Failed, details.ErrorMessage, details), now);
    }

    private OrchestrationCheckpoint RunEpisode(
        OrchestrationWorkItem workItem,
        OrchestrationState state,
        OrchestrationSession session,
        TaskMessage? startMessage,
        DateTime now,
        bool replacesHistory)
    {
        var instanceId = workItem.InstanceId;
        var messages = workItem.NewMessages;
        var accepted = new List<HistoryEvent>(messages.Count);
        List<TaskMessage>? deferred = null;
        HashSet<string>? seenMessageIds = messages.Count > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
        var acceptedTaskIds = new HashSet<int>();
        if (startMessage is not null)
        {
            accepted.Add(startMessage.Event);
        }

        foreach (var message in messages)
        {
            if (ReferenceEquals(message, startMessage))
            {
                continue;
            }

            if (seenMessageIds is not null && !seenMessageIds.Add(message.MessageId))
            {
                _logger.MessageDropped(instanceId, message.Event.EventType, message.MessageId, "duplicate message");
                continue;
            }

            if (message.ExecutionId is not null && message.ExecutionId != session.ExecutionId)
            {
                _logger.MessageDropped(instanceId, message.Event.EventType, message.MessageId, "stale execution");
                continue;
            }

            if (message.Event is ExecutionStartedEvent)
            {
                _logger.MessageDropped(instanceId, message.Event.EventType, message.MessageId, "duplicate start");
                continue;
            }

            switch (session.Classify(message.Event, acceptedTaskIds))
            {
                case MessageDisposition.Apply when message.Event is EventRaisedEvent or ExecutionTerminatedEvent or ExecutionSuspendedEvent or ExecutionResumedEvent
                    && !session.TryMarkProcessed(message.MessageId):
                    _logger.MessageDropped(instanceId, message.Event.EventType, message.MessageId, "duplicate message");
                    break;
                case MessageDisposition.Apply:
                    accepted.Add(message.Event);
                    break;
                case MessageDisposition.Defer:
                    _logger.MessageDeferred(instanceId, message.Event.EventType, message.MessageId);
                    (deferred ??= []).Add(message);
                    break;
                default:
                    _logger.MessageDropped(instanceId, message.Event.EventType, message.MessageId, "duplicate or unknown task");
                    break;
            }
        }

        if (accepted.Count == 0)
        {
            return new OrchestrationCheckpoint { DeferredMessages = deferred ?? [] };
        }

        List<HistoryEvent> newHistory;
        try
        {
            newHistory = session.RunEpisode(now, accepted);
        }
        catch (NonDeterministicOrchestrationException ex)
        {
            Evict(instanceId);
            _logger.NonDeterminism(instanceId, ex.Message);
            return FailRunning(state, session.StartEvent, TaskFailureDetails.FromException(ex), now);
        }

        var activityMessages = new List<TaskMessage>();
        var orchestratorMessages = new List<TaskMessage>();
        var timerMessages = new List<TaskMessage>();
        foreach (var action in session.NewActions)
        {
            switch (action)
            {
                case TaskScheduledEvent scheduled:
                    activityMessages.Add(TaskMessage.Create(instanceId, session.ExecutionId, scheduled));
                    break;
                case TimerCreatedEvent timer:
                    timerMessages.Add(TaskMessage.Create(instanceId, session.ExecutionId, new TimerFiredEvent(timer.FireAt, timer.EventId, timer.FireAt)));
                    break;
                case SubOrchestrationInstanceCreatedEvent created:
                    var childExecutionId = Guid.NewGuid().ToString("N");
                    var parent = new ParentOrchestrationInstance(session.Name, instanceId, session.ExecutionId, created.EventId);
                    orchestratorMessages.Add(TaskMessage.Create(
                        created.InstanceId,
                        childExecutionId,
                        new ExecutionStartedEvent(now, created.Name, created.InstanceId, childExecutionId, created.Input, parent)));
                    break;
                case EventSentEvent sent:
                    orchestratorMessages.Add(TaskMessage.Create(sent.InstanceId, null, new EventRaisedEvent(now, sent.Name, sent.Input)));
                    break;
            }
        }

        var outcome = session.Outcome;
        var historyLength = (replacesHistory ? 0 : workItem.History.Count) + newHistory.Count + 1;
        if (outcome is null)
        {
            newHistory.Add(new OrchestratorCompletedEvent(now));
            session.HistoryCount = historyLength;
            CacheSession(instanceId, session);
            return new OrchestrationCheckpoint
            {
                NewHistory = newHistory,
                ReplacesHistory = replacesHistory,
                NewState = state with
                {
                    RuntimeStatus = session.IsSuspended ? OrchestrationRuntimeStatus.Suspended : OrchestrationRuntimeStatus.Running,
                    Input = session.StartEvent.Input,
                    CustomStatus = session.CustomStatus,
                    LastUpdatedAt = now,
                },
                ActivityMessages = activityMessages,
                OrchestratorMessages = orchestratorMessages,
                TimerMessages = timerMessages,
                DeferredMessages = deferred ?? [],
            };
        }

        Evict(instanceId);
        if (outcome.Status == OrchestrationRuntimeStatus.ContinuedAsNew)
        {
            var newExecutionId = Guid.NewGuid().ToString("N");
            newHistory.Add(new ContinueAsNewEvent(now, outcome.Output, newExecutionId));
            newHistory.Add(new OrchestratorCompletedEvent(now));
            var start = session.StartEvent;
            orchestratorMessages.Add(TaskMessage.Create(
                instanceId,
                newExecutionId,
                new ExecutionStartedEvent(now, start.Name, instanceId, newExecutionId, outcome.Output, start.ParentInstance)));
            if (outcome.PreserveUnprocessedEvents)
            {
                foreach (var carried in session.GetCarryOverEvents())
                {
                    orchestratorMessages.Add(TaskMessage.Create(instanceId, newExecutionId, carried));
                }
            }

            return new OrchestrationCheckpoint
            {
                NewHistory = newHistory,
                ReplacesHistory = replacesHistory,
                NewState = state with
                {
                    RuntimeStatus = OrchestrationRuntimeStatus.ContinuedAsNew,
                    ExecutionId = newExecutionId,
                    Input = outcome.Output,
                    Output = null,
                    CustomStatus = session.CustomStatus,
                    LastUpdatedAt = now,
                },
                ActivityMessages = activityMessages,
                OrchestratorMessages = orchestratorMessages,
                TimerMessages = timerMessages,
            };
        }

        newHistory.Add(new ExecutionCompletedEvent(now, outcome.Status, outcome.Output, outcome.FailureDetails));
        newHistory.Add(new OrchestratorCompletedEvent(now));
        if (outcome.Status == OrchestrationRuntimeStatus.Failed)
        {
            _logger.OrchestrationFailed(instanceId, outcome.FailureDetails?.ToString() ?? string.Empty);
        }

        var final = BuildFinalCheckpoint(state, session.StartEvent, newHistory, replacesHistory, outcome, now, session.CustomStatus);
        return new OrchestrationCheckpoint
        {
            NewHistory = final.NewHistory,
            ReplacesHistory = final.ReplacesHistory,
            NewState = final.NewState,
            ActivityMessages = activityMessages,
            OrchestratorMessages = [.. orchestratorMessages, .. final.OrchestratorMessages],
            TimerMessages = [],
        };
    }

    private OrchestrationCheckpoint BuildFinalCheckpoint(
        OrchestrationState state,
        ExecutionStartedEvent start,
        List<HistoryEvent> history,
        bool replacesHistory,
        ExecutionOutcome outcome,
        DateTime now,
        string? customStatus = null)
    {
        Evict(state.InstanceId);
        var messages = new List<TaskMessage>();
        if (start.ParentInstance is { } parent)
        {
            HistoryEvent result = outcome.Status == OrchestrationRuntimeStatus.Completed
                ? new SubOrchestrationInstanceCompletedEvent(now, parent.TaskScheduledId, outcome.Output)
                : new SubOrchestrationInstanceFailedEvent(
                    now,
                    parent.TaskScheduledId,
                    outcome.FailureDetails ?? new TaskFailureDetails("TaskTerminated", $"Sub-orchestration '{state.InstanceId}' was {outcome.Status}: {outcome.Output}"));
            messages.Add(TaskMessage.Create(parent.InstanceId, parent.ExecutionId, result));
        }

        return new OrchestrationCheckpoint
        {
            NewHistory = history,
            ReplacesHistory = replacesHistory,
            NewState = state with
            {
                RuntimeStatus = outcome.Status,
                Input = start.Input,
                Output = outcome.Output,
                FailureDetails = outcome.FailureDetails,
                CustomStatus = customStatus ?? state.CustomStatus,
                LastUpdatedAt = now,
                CompletedAt = now,
            },
            OrchestratorMessages = messages,
        };
    }

    private void CacheSession(string instanceId, OrchestrationSession session)
    {
        if (_options.MaxCachedOrchestrations <= 0)
        {
            return;
        }

        if (_cache.Count >= _options.MaxCachedOrchestrations && !_cache.ContainsKey(instanceId))
        {
            // Crude bound: drop an arbitrary entry. An evicted instance is rebuilt by replay on its next episode.
            foreach (var key in _cache.Keys)
            {
                _cache.TryRemove(key, out _);
                break;
            }
        }

        _cache[instanceId] = session;
    }
}
