using EeFunctions.Durable.Backend;
using EeFunctions.Durable.History;

namespace EeFunctions.Durable.Client;

/// <summary>The client over an <see cref="IOrchestrationBackend"/>.</summary>
public sealed class BackendDurableTaskClient : DurableTaskClient
{
    private readonly IOrchestrationBackend _backend;
    private readonly DataConverter _converter;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a client.</summary>
    public BackendDurableTaskClient(IOrchestrationBackend backend, DataConverter? dataConverter = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _backend = backend;
        _converter = dataConverter ?? JsonDataConverter.Default;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(
        string orchestratorName,
        object? input = null,
        StartOrchestrationOptions? options = null,
        CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orchestratorName);
        var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        InstanceIdValidator.Validate(instanceId, nameof(options));
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        var startAt = options?.StartAt?.UtcDateTime;
        var executionId = Guid.NewGuid().ToString("N");
        var start = new ExecutionStartedEvent(now, orchestratorName, instanceId, executionId, _converter.Serialize(input), null, startAt > now ? startAt : null);
        var dedupe = options?.DedupeStatuses ?? StartOrchestrationOptions.DefaultDedupeStatuses;
        await _backend.CreateInstanceAsync(TaskMessage.Create(instanceId, executionId, start), dedupe, cancellation);
        return instanceId;
    }

    /// <inheritdoc />
    public override async Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var state = await _backend.GetStateAsync(instanceId, cancellation);
        return state is null ? null : OrchestrationMetadata.FromState(state, getInputsAndOutputs, _converter);
    }

    /// <inheritdoc />
    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null)
    {
        filter ??= new OrchestrationQuery();
        ArgumentOutOfRangeException.ThrowIfLessThan(filter.PageSize, 1, nameof(filter));
        var statuses = filter.Statuses?.ToArray();
        return AsyncPageable.Create<OrchestrationMetadata>(async (token, pageSize, cancellation) =>
        {
            var query = new InstanceQuery
            {
                Statuses = statuses,
                CreatedFrom = filter.CreatedFrom?.UtcDateTime,
                CreatedTo = filter.CreatedTo?.UtcDateTime,
                InstanceIdPrefix = filter.InstanceIdPrefix,
                PageSize = pageSize ?? filter.PageSize,
                ContinuationToken = token ?? filter.ContinuationToken,
            };
            var page = await _backend.QueryInstancesAsync(query, cancellation);
            return new Page<OrchestrationMetadata>(
                [.. page.Instances.Select(s => OrchestrationMetadata.FromState(s, filter.FetchInputsAndOutputs, _converter))],
                page.ContinuationToken);
        });
    }

    /// <inheritdoc />
    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        WaitAsync(instanceId, s => s.RuntimeStatus != OrchestrationRuntimeStatus.Pending, getInputsAndOutputs, cancellation);

    /// <inheritdoc />
    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        WaitAsync(instanceId, s => s.RuntimeStatus.IsTerminal(), getInputsAndOutputs, cancellation);

    private async Task<OrchestrationMetadata> WaitAsync(string instanceId, Func<OrchestrationState, bool> predicate, bool getInputsAndOutputs, CancellationToken cancellation)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var state = await _backend.WaitForStateAsync(instanceId, predicate, cancellation)
            ?? throw new InvalidOperationException($"No orchestration instance with the ID '{instanceId}' exists.");
        return OrchestrationMetadata.FromState(state, getInputsAndOutputs, _converter);
    }

    /// <inheritdoc />
    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        return SendAsync(instanceId, new EventRaisedEvent(Now, eventName, _converter.Serialize(eventPayload)), cancellation);
    }

    /// <inheritdoc />
    public override Task TerminateInstanceAsync(string instanceId, object? output = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionTerminatedEvent(Now, _converter.Serialize(output)), cancellation);

    /// <inheritdoc />
    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionSuspendedEvent(Now, reason), cancellation);

    /// <inheritdoc />
    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionResumedEvent(Now, reason), cancellation);

    /// <inheritdoc />
    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        return new PurgeResult(await _backend.PurgeInstanceAsync(instanceId, cancellation));
    }

    /// <inheritdoc />
    public override async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var terminal = new[] { OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated };
        var statuses = filter.Statuses is null ? terminal : [.. filter.Statuses.Where(terminal.Contains)];
        if (statuses.Length == 0)
        {
            return new PurgeResult(0);
        }

        var query = new InstanceQuery
        {
            Statuses = statuses,
            CreatedFrom = filter.CreatedFrom?.UtcDateTime,
            CreatedTo = filter.CreatedTo?.UtcDateTime,
        };
        return new PurgeResult(await _backend.PurgeInstancesAsync(query, cancellation));
    }

    /// <inheritdoc />
    public override Task<IReadOnlyList<HistoryEvent>> GetOrchestrationHistoryAsync(string instanceId, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        return _backend.GetHistoryAsync(instanceId, cancellation);
    }

    private DateTime Now => _timeProvider.GetUtcNow().UtcDateTime;

    private async Task SendAsync(string instanceId, HistoryEvent historyEvent, CancellationToken cancellation)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        if (!await _backend.SendMessageAsync(TaskMessage.Create(instanceId, null, historyEvent), cancellation))
        {
            throw new ArgumentException($"No orchestration instance with the ID '{instanceId}' exists.", nameof(instanceId));
        }
    }
}
