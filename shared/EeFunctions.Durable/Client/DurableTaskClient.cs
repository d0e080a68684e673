using EeFunctions.Durable.History;

namespace EeFunctions.Durable.Client;

/// <summary>Starts, queries and manages orchestration instances.</summary>
public abstract class DurableTaskClient
{
    /// <summary>Schedules a new instance of <paramref name="orchestratorName"/> and returns its id.</summary>
    /// <exception cref="ArgumentException">The instance id is invalid.</exception>
    /// <exception cref="OrchestrationAlreadyExistsException">An instance with the id exists in one of the dedupe statuses.</exception>
    public abstract Task<string> ScheduleNewOrchestrationInstanceAsync(
        string orchestratorName,
        object? input = null,
        StartOrchestrationOptions? options = null,
        CancellationToken cancellation = default);

    /// <inheritdoc cref="ScheduleNewOrchestrationInstanceAsync(string, object?, StartOrchestrationOptions?, CancellationToken)"/>
    public virtual Task<string> ScheduleNewOrchestrationInstanceAsync(string orchestratorName, StartOrchestrationOptions options, CancellationToken cancellation = default) =>
        ScheduleNewOrchestrationInstanceAsync(orchestratorName, null, options, cancellation);

    /// <summary>The instance's metadata, or null when it does not exist.</summary>
    public abstract Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);

    /// <summary>Instances matching <paramref name="filter"/>, ordered by id, page by page.</summary>
    public abstract AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null);

    /// <summary>Waits until the instance has left Pending.</summary>
    /// <exception cref="InvalidOperationException">The instance does not exist.</exception>
    public abstract Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);

    /// <summary>Waits until the instance is Completed, Failed or Terminated.</summary>
    /// <exception cref="InvalidOperationException">The instance does not exist.</exception>
    public abstract Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);

    /// <summary>Sends event <paramref name="eventName"/> to the instance. Events for terminal instances are dropped.</summary>
    /// <exception cref="ArgumentException">The instance does not exist.</exception>
    public abstract Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default);

    /// <summary>Terminates the instance from any non-terminal status; <paramref name="output"/> (the reason) becomes its output.</summary>
    /// <exception cref="ArgumentException">The instance does not exist.</exception>
    public abstract Task TerminateInstanceAsync(string instanceId, object? output = null, CancellationToken cancellation = default);

    /// <summary>Suspends the instance: events are buffered until it is resumed.</summary>
    /// <exception cref="ArgumentException">The instance does not exist.</exception>
    public abstract Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default);

    /// <summary>Resumes a suspended instance.</summary>
    /// <exception cref="ArgumentException">The instance does not exist.</exception>
    public abstract Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default);

    /// <summary>Deletes a terminal instance and its history.</summary>
    /// <exception cref="InvalidOperationException">The instance is not terminal.</exception>
    public abstract Task<PurgeResult> PurgeInstanceAsync(string instanceId, CancellationToken cancellation = default);

    /// <summary>Deletes the terminal instances matching <paramref name="filter"/>.</summary>
    public abstract Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellation = default);

    /// <summary>The ordered history events of the instance's current execution (for the status API's <c>showHistory</c>).</summary>
    public abstract Task<IReadOnlyList<HistoryEvent>> GetOrchestrationHistoryAsync(string instanceId, CancellationToken cancellation = default);
}
