using System.Text.RegularExpressions;
using System.Text.Json;
using System.Text.Json.Nodes;
using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using CoreOrchestrationQuery = DurableTask.Core.Query.OrchestrationQuery;
using OrchestrationQuery = Microsoft.DurableTask.Client.OrchestrationQuery;
using PurgeResult = Microsoft.DurableTask.Client.PurgeResult;

namespace EeFunctions.DurableTask;

/// <summary>
/// The Durable Task SDK's client over DTFx's Azure Storage provider. Payloads go through the SDK's
/// <see cref="DataConverter"/>, so the worker's shims read back exactly what this wrote.
/// </summary>
public sealed partial class ShimDurableTaskClient : DurableTaskClient
{
    /// <summary>What blocks a start when the caller names none: an active instance (as Durable Functions' default).</summary>
    private static readonly OrchestrationStatus[] s_defaultDedupe =
        [OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.Suspended, OrchestrationStatus.ContinuedAsNew];

    private static readonly OrchestrationRuntimeStatus[] s_terminal =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    private readonly AzureStorageOrchestrationService _service;
    private readonly DataConverter _converter;

    public ShimDurableTaskClient(string name, AzureStorageOrchestrationService service, IOptionsMonitor<DurableTaskClientOptions> options)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(options);
        _service = service;
        _converter = options.Get(name).DataConverter;
    }

    /// <summary>How often the waits poll the instance, at most.</summary>
    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an event, suspend or resume for a Pending instance waits for the instance to start.</summary>
    public TimeSpan PendingStartWait { get; init; } = TimeSpan.FromSeconds(30);

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        InstanceIds.Validate(instanceId);
        var instance = new OrchestrationInstance { InstanceId = instanceId, ExecutionId = Guid.NewGuid().ToString("N") };
        var started = new ExecutionStartedEvent(-1, _converter.Serialize(input))
        {
            Name = orchestratorName.Name,
            Version = options?.Version?.ToString() ?? string.Empty,
            OrchestrationInstance = instance,
            ScheduledStartTime = options?.StartAt?.UtcDateTime,
            Tags = options?.Tags is { Count: > 0 } tags ? new Dictionary<string, string>(tags) : null,
        };
        var dedupe = options?.DedupeStatuses is { } statuses
            ? [.. statuses.Select(s => Enum.Parse<OrchestrationStatus>(s, ignoreCase: true))]
            : s_defaultDedupe;
        cancellation.ThrowIfCancellationRequested();
        await _service.CreateTaskOrchestrationAsync(new TaskMessage { OrchestrationInstance = instance, Event = started }, dedupe);
        return instanceId;
    }

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        return SendAsync(instanceId, new EventRaisedEvent(-1, _converter.Serialize(eventPayload)) { Name = eventName }, cancellation);
    }

    public override async Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        cancellation.ThrowIfCancellationRequested();
        await _service.ForceTerminateTaskOrchestrationAsync(instanceId, _converter.Serialize(options?.Output));
    }

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionSuspendedEvent(-1, reason), cancellation);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionResumedEvent(-1, reason), cancellation);

    public override async Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        cancellation.ThrowIfCancellationRequested();
        var states = await _service.GetOrchestrationStateAsync(instanceId, allExecutions: false, fetchInput: getInputsAndOutputs);
        return states.FirstOrDefault() is { OrchestrationInstance: not null } state ? ToMetadata(state, getInputsAndOutputs) : null;
    }

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) =>
        Pageable.Create(async (continuation, pageSize, cancellation) =>
        {
            var query = new CoreOrchestrationQuery
            {
                RuntimeStatus = filter?.Statuses?.Select(s => (OrchestrationStatus)s).ToList(),
                CreatedTimeFrom = filter?.CreatedFrom?.UtcDateTime,
                CreatedTimeTo = filter?.CreatedTo?.UtcDateTime,
                InstanceIdPrefix = filter?.InstanceIdPrefix,
                PageSize = pageSize ?? filter?.PageSize ?? OrchestrationQuery.DefaultPageSize,
                ContinuationToken = continuation ?? filter?.ContinuationToken,
                FetchInputsAndOutputs = filter?.FetchInputsAndOutputs ?? false,
            };
            var result = await _service.GetOrchestrationWithQueryAsync(query, cancellation);
            var page = result.OrchestrationState.Select(s => ToMetadata(s, query.FetchInputsAndOutputs)).ToList();
            return new Page<OrchestrationMetadata>(page, string.IsNullOrEmpty(result.ContinuationToken) ? null : result.ContinuationToken);
        });

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        WaitAsync(instanceId, getInputsAndOutputs, m => m.RuntimeStatus != OrchestrationRuntimeStatus.Pending, cancellation);

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        WaitAsync(instanceId, getInputsAndOutputs, m => m.IsCompleted, cancellation);

    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        if (await GetInstancesAsync(instanceId, false, cancellation) is not { } state)
        {
            return new PurgeResult(0);
        }

        if (!state.IsCompleted)
        {
            throw new InvalidOperationException($"Cannot purge orchestration instance '{instanceId}': it is {state.RuntimeStatus}, not Completed, Failed or Terminated.");
        }

        var result = await ((IOrchestrationServicePurgeClient)_service).PurgeInstanceStateAsync(instanceId);
        return new PurgeResult(result.DeletedInstanceCount);
    }

    public override async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellation.ThrowIfCancellationRequested();

        // Only terminal instances are ever purged: an active one would lose its history under a running orchestrator.
        var statuses = (filter.Statuses ?? s_terminal).Where(s_terminal.Contains).Select(s => (OrchestrationStatus)s).ToList();
        if (statuses.Count == 0)
        {
            return new PurgeResult(0);
        }

        var purge = new PurgeInstanceFilter(filter.CreatedFrom?.UtcDateTime ?? DateTime.MinValue, filter.CreatedTo?.UtcDateTime, statuses);
        var result = await ((IOrchestrationServicePurgeClient)_service).PurgeInstanceStateAsync(purge);
        return new PurgeResult(result.DeletedInstanceCount);
    }

    /// <summary>
    /// Starts the instance's orchestrator again with its original input: under a new id, or in place when
    /// <paramref name="restartWithNewInstanceId"/> is false (refused with <see cref="global::DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException"/>
    /// while the instance is active).
    /// </summary>
    public override async Task<string> RestartAsync(string instanceId, bool restartWithNewInstanceId = false, CancellationToken cancellation = default)
    {
        var state = await GetInstancesAsync(instanceId, getInputsAndOutputs: true, cancellation)
            ?? throw new ArgumentException($"Orchestration instance '{instanceId}' does not exist.", nameof(instanceId));
        var newId = restartWithNewInstanceId ? Guid.NewGuid().ToString("N") : instanceId;
        JsonElement? input = state.SerializedInput is null ? null : JsonDocument.Parse(state.SerializedInput).RootElement.Clone();
        return await ScheduleNewOrchestrationInstanceAsync(state.Name, input, new StartOrchestrationOptions(newId), cancellation);
    }

    /// <summary>
    /// The history of the instance's current execution, oldest first, as DTFx's provider renders it: one JSON object an
    /// event, with its <c>EventType</c> as a name.
    /// </summary>
    public async Task<IReadOnlyList<JsonObject>> GetHistoryAsync(string instanceId, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var json = await _service.GetOrchestrationHistoryAsync(instanceId, executionId: null!);
        var events = JsonNode.Parse(json) as JsonArray ?? [];
        var result = new List<JsonObject>(events.Count);
        foreach (var e in events.OfType<JsonObject>())
        {
            if (e["EventType"] is JsonValue type && type.TryGetValue<int>(out var number))
            {
                e["EventType"] = ((EventType)number).ToString();
            }

            result.Add(e);
        }

        return result;
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task SendAsync(string instanceId, HistoryEvent e, CancellationToken cancellation)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        await WhenStartedAsync(instanceId, cancellation);
        await _service.SendTaskOrchestrationMessageAsync(new TaskMessage { OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId }, Event = e });
    }

    /// <summary>
    /// Holds a message for a Pending instance until the instance has started (at most <see cref="PendingStartWait"/>).
    /// The provider discards a message that reaches an instance with no history yet ("No such instance"), and a start
    /// can be invisible for a while after the call that scheduled it returned: the worker defers a start message it
    /// dequeued before the client wrote the Instances row, and a scheduled start waits for its time. An event raised
    /// right after scheduling would then overtake the start and be lost. An instance due to start later than the wait
    /// allows gets the message at once and loses it, as under Durable Functions.
    /// </summary>
    private async Task WhenStartedAsync(string instanceId, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + PendingStartWait;
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var state = (await _service.GetOrchestrationStateAsync(instanceId, allExecutions: false, fetchInput: false)).FirstOrDefault();
            if (state?.OrchestrationStatus != OrchestrationStatus.Pending || DateTime.UtcNow >= deadline || state.ScheduledStartTime > deadline)
            {
                return;
            }

            await Task.Delay(delay, cancellation);
            delay = TimeSpan.FromTicks(Math.Min(MaxPollingInterval.Ticks, delay.Ticks * 2));
        }
    }

    private async Task<OrchestrationMetadata> WaitAsync(string instanceId, bool getInputsAndOutputs, Func<OrchestrationMetadata, bool> done, CancellationToken cancellation)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var state = await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation)
                ?? throw new InvalidOperationException($"Orchestration instance '{instanceId}' does not exist.");
            if (done(state))
            {
                return state;
            }

            await Task.Delay(delay, cancellation);
            delay = TimeSpan.FromTicks(Math.Min(MaxPollingInterval.Ticks, delay.Ticks * 2));
        }
    }

    private OrchestrationMetadata ToMetadata(OrchestrationState state, bool withPayloads) =>
        new(state.Name, state.OrchestrationInstance.InstanceId)
        {
            DataConverter = _converter,
            RuntimeStatus = (OrchestrationRuntimeStatus)state.OrchestrationStatus,
            CreatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.CreatedTime, DateTimeKind.Utc)),
            LastUpdatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.LastUpdatedTime, DateTimeKind.Utc)),
            SerializedInput = withPayloads ? state.Input : null,
            SerializedOutput = withPayloads && state.OrchestrationStatus != OrchestrationStatus.Failed ? state.Output : null,
            SerializedCustomStatus = withPayloads ? state.Status : null,
            Tags = state.Tags is { } tags ? new Dictionary<string, string>(tags) : new Dictionary<string, string>(),
            FailureDetails = state.OrchestrationStatus == OrchestrationStatus.Failed ? Failure(state) : null,
        };

    /// <summary>
    /// The provider's Instances row keeps a failure only as the text <c>{ErrorType}: {ErrorMessage}</c>
    /// (<see cref="FailureDetails.ToString"/>); the type is read back from it.
    /// </summary>
    private static TaskFailureDetails? Failure(OrchestrationState state)
    {
        if (state.FailureDetails is { } f)
        {
            return Convert(f);
        }

        var output = state.Output ?? "The orchestration failed.";
        return FailureText().Match(output) is { Success: true } m
            ? new TaskFailureDetails(m.Groups["type"].Value, m.Groups["message"].Value, null, null, null)
            : new TaskFailureDetails("Failed", output, null, null, null);
    }

    [GeneratedRegex(@"^(?<type>[A-Za-z_][\w.+`]*): (?<message>.*)$", RegexOptions.Singleline)]
    private static partial Regex FailureText();

    private static TaskFailureDetails Convert(FailureDetails f) =>
        new(f.ErrorType, f.ErrorMessage, f.StackTrace, f.InnerFailure is { } inner ? Convert(inner) : null, null);
}
