using EeFunctions.Durable.Backend;

namespace EeFunctions.Durable.Client;

/// <summary>Options of a new orchestration instance.</summary>
/// <param name="InstanceId">The id; a new GUID when null.</param>
/// <param name="StartAt">When to start; now when null.</param>
public record StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null)
{
    /// <summary>The default statuses in which an existing instance blocks a new start.</summary>
    public static IReadOnlyCollection<OrchestrationRuntimeStatus> DefaultDedupeStatuses { get; } =
    [
        OrchestrationRuntimeStatus.Pending,
        OrchestrationRuntimeStatus.Running,
        OrchestrationRuntimeStatus.Suspended,
        OrchestrationRuntimeStatus.ContinuedAsNew,
    ];

    /// <summary>
    /// The statuses in which an existing instance with the same id blocks the start (<see cref="OrchestrationAlreadyExistsException"/>).
    /// Null means <see cref="DefaultDedupeStatuses"/>; empty means the start always replaces the existing instance.
    /// A running-like instance (Running, ContinuedAsNew) is blocked whenever Running is listed.
    /// </summary>
    public IReadOnlyCollection<OrchestrationRuntimeStatus>? DedupeStatuses { get; init; }

    /// <summary>Returns a copy with <paramref name="statuses"/> as dedupe statuses.</summary>
    public StartOrchestrationOptions WithDedupeStatuses(params OrchestrationRuntimeStatus[] statuses) => this with { DedupeStatuses = statuses };
}

/// <summary>A query over instances.</summary>
public sealed record OrchestrationQuery
{
    /// <summary>Created at or after.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Created at or before.</summary>
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>Only these statuses; all when null.</summary>
    public IEnumerable<OrchestrationRuntimeStatus>? Statuses { get; init; }

    /// <summary>Ids starting with this prefix.</summary>
    public string? InstanceIdPrefix { get; init; }

    /// <summary>Instances per page; default 100.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Where to start (from a previous page).</summary>
    public string? ContinuationToken { get; init; }

    /// <summary>Whether to include inputs, outputs and custom statuses.</summary>
    public bool FetchInputsAndOutputs { get; init; }
}

/// <summary>Which instances to purge: terminal instances created in the range, optionally of some statuses.</summary>
/// <param name="CreatedFrom">Created at or after.</param>
/// <param name="CreatedTo">Created at or before.</param>
/// <param name="Statuses">Only these (terminal) statuses; all terminal ones when null.</param>
public sealed record PurgeInstancesFilter(
    DateTimeOffset? CreatedFrom = null,
    DateTimeOffset? CreatedTo = null,
    IEnumerable<OrchestrationRuntimeStatus>? Statuses = null);

/// <summary>How many instances a purge deleted.</summary>
/// <param name="PurgedInstanceCount">The count.</param>
public sealed record PurgeResult(int PurgedInstanceCount);

/// <summary>What a client sees of an instance.</summary>
public sealed class OrchestrationMetadata
{
    private readonly DataConverter _converter;

    /// <summary>Creates metadata.</summary>
    public OrchestrationMetadata(string name, string instanceId, DataConverter? dataConverter = null)
    {
        Name = name;
        InstanceId = instanceId;
        _converter = dataConverter ?? JsonDataConverter.Default;
    }

    /// <summary>The orchestrator name.</summary>
    public string Name { get; }

    /// <summary>The instance id.</summary>
    public string InstanceId { get; }

    /// <summary>The runtime status.</summary>
    public OrchestrationRuntimeStatus RuntimeStatus { get; init; }

    /// <summary>When the instance was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its state last changed.</summary>
    public DateTimeOffset LastUpdatedAt { get; init; }

    /// <summary>The serialized input (when inputs and outputs were fetched).</summary>
    public string? SerializedInput { get; init; }

    /// <summary>The serialized output (when fetched); for Terminated the reason.</summary>
    public string? SerializedOutput { get; init; }

    /// <summary>The serialized custom status (when fetched).</summary>
    public string? SerializedCustomStatus { get; init; }

    /// <summary>Why the instance failed.</summary>
    public TaskFailureDetails? FailureDetails { get; init; }

    /// <summary>Whether the instance is Running.</summary>
    public bool IsRunning => RuntimeStatus == OrchestrationRuntimeStatus.Running;

    /// <summary>Whether the instance is terminal (Completed, Failed or Terminated).</summary>
    public bool IsCompleted => RuntimeStatus.IsTerminal();

    /// <summary>Deserializes the input.</summary>
    public T? ReadInputAs<T>() => _converter.Deserialize<T>(SerializedInput);

    /// <summary>Deserializes the output.</summary>
    public T? ReadOutputAs<T>() => _converter.Deserialize<T>(SerializedOutput);

    /// <summary>Deserializes the custom status.</summary>
    public T? ReadCustomStatusAs<T>() => _converter.Deserialize<T>(SerializedCustomStatus);

    internal static OrchestrationMetadata FromState(OrchestrationState state, bool includeData, DataConverter converter) =>
        new(state.Name, state.InstanceId, converter)
        {
            RuntimeStatus = state.RuntimeStatus,
            CreatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.CreatedAt, DateTimeKind.Utc)),
            LastUpdatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.LastUpdatedAt, DateTimeKind.Utc)),
            SerializedInput = includeData ? state.Input : null,
            SerializedOutput = includeData ? state.Output : null,
            SerializedCustomStatus = includeData ? state.CustomStatus : null,
            FailureDetails = state.FailureDetails,
        };
}
