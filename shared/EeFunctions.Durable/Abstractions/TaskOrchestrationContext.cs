using Microsoft.Extensions.Logging;

namespace EeFunctions.Durable;

/// <summary>
/// The orchestrator's view of its instance and its only way to do durable work. Every method is replay-aware: when an
/// orchestrator is re-executed from history, calls already recorded are matched by sequence number and complete from history
/// instead of running again. A call that does not match what history recorded at the same sequence number fails the instance
/// with a <see cref="NonDeterministicOrchestrationException"/>.
/// </summary>
/// <remarks>
/// Orchestrator code runs single-threaded on a deterministic scheduler. Await only tasks returned by this context (or
/// <see cref="Task.WhenAll(Task[])"/>/<see cref="Task.WhenAny(Task[])"/> over them) and never use <c>ConfigureAwait(false)</c>.
/// </remarks>
public abstract class TaskOrchestrationContext
{
    /// <summary>The orchestration's instance id.</summary>
    public abstract string InstanceId { get; }

    /// <summary>The orchestrator name.</summary>
    public abstract string Name { get; }

    /// <summary>Whether the orchestrator is re-executing past events (useful to avoid duplicate logging).</summary>
    public abstract bool IsReplaying { get; }

    /// <summary>The time of the current episode, recorded in history: the same on every replay.</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>The parent orchestration when this one runs as a sub-orchestration.</summary>
    public abstract ParentOrchestrationInstance? Parent { get; }

    /// <summary>The logger factory behind <see cref="CreateReplaySafeLogger(string)"/>.</summary>
    protected abstract ILoggerFactory LoggerFactory { get; }

    /// <summary>Deserializes the orchestration input.</summary>
    public abstract T? GetInput<T>();

    /// <summary>
    /// Schedules activity <paramref name="name"/> and returns its result. Activities run at least once; a failure surfaces as
    /// <see cref="TaskFailedException"/> here, after the retries of <paramref name="options"/>.
    /// </summary>
    /// <exception cref="TaskFailedException">The activity failed (on its last attempt).</exception>
    public abstract Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null);

    /// <inheritdoc cref="CallActivityAsync{TResult}(string, object?, TaskOptions?)"/>
    public virtual Task CallActivityAsync(string name, object? input = null, TaskOptions? options = null) =>
        CallActivityAsync<object?>(name, input, options);

    /// <summary>
    /// Starts orchestrator <paramref name="orchestratorName"/> as a child instance (id from <see cref="SubOrchestrationOptions"/>
    /// or a deterministic new one) and returns its result. A failed child surfaces as <see cref="TaskFailedException"/>.
    /// </summary>
    /// <exception cref="TaskFailedException">The child failed (on its last attempt).</exception>
    public abstract Task<TResult> CallSubOrchestratorAsync<TResult>(string orchestratorName, object? input = null, TaskOptions? options = null);

    /// <inheritdoc cref="CallSubOrchestratorAsync{TResult}(string, object?, TaskOptions?)"/>
    public virtual Task CallSubOrchestratorAsync(string orchestratorName, object? input = null, TaskOptions? options = null) =>
        CallSubOrchestratorAsync<object?>(orchestratorName, input, options);

    /// <summary>
    /// A durable timer that completes at <paramref name="fireAt"/> (UTC). Cancelling it only stops the orchestrator waiting;
    /// the recorded timer still fires later and is ignored.
    /// </summary>
    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    /// <summary>A durable timer that completes <paramref name="delay"/> after <see cref="CurrentUtcDateTime"/>.</summary>
    public virtual Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken) =>
        CreateTimer(CurrentUtcDateTime.Add(delay), cancellationToken);

    /// <summary>
    /// Waits for an external event named <paramref name="eventName"/> (case-insensitive). Events that arrived earlier are buffered
    /// per name, first in first out.
    /// </summary>
    /// <exception cref="TaskCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>Waits for an external event for at most <paramref name="timeout"/> (a durable timer).</summary>
    /// <exception cref="TaskCanceledException">The timeout elapsed first.</exception>
    public virtual Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout) =>
        WaitForExternalEvent<T>(eventName, timeout, CancellationToken.None);

    /// <summary>Waits for an external event for at most <paramref name="timeout"/> or until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <exception cref="TaskCanceledException">The timeout elapsed or the token was cancelled first.</exception>
    public virtual async Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timerCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timerTask = CreateTimer(timeout, timerCts.Token);
        using var eventCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var eventTask = WaitForExternalEvent<T>(eventName, eventCts.Token);
        var winner = await Task.WhenAny(eventTask, timerTask);

        // Cancel synchronously: CancelAsync would run the callbacks on the thread pool, off the orchestrator's scheduler.
#pragma warning disable CA1849
        if (winner == eventTask)
        {
            timerCts.Cancel();
        }
        else
        {
            eventCts.Cancel();
        }
#pragma warning restore CA1849

        return await eventTask;
    }

    /// <summary>Sends an event to another instance (recorded as EventSent).</summary>
    public abstract void SendEvent(string instanceId, string eventName, object? payload);

    /// <summary>
    /// Sets the custom status shown to clients; it is persisted at the end of the episode. Its JSON must be at most 16 KB.
    /// </summary>
    /// <exception cref="ArgumentException">The serialized status is larger than 16 KB.</exception>
    public abstract void SetCustomStatus(object? customStatus);

    /// <summary>
    /// Restarts the orchestration with <paramref name="newInput"/> and fresh history once the orchestrator returns. External events
    /// that arrived but were not consumed are carried into the new execution when <paramref name="preserveUnprocessedEvents"/>.
    /// </summary>
    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true);

    /// <summary>A deterministic name-based (version 5) GUID from the instance id, the current time and a counter.</summary>
    public abstract Guid NewGuid();

    /// <summary>A logger that writes only when the orchestrator is not replaying.</summary>
    public virtual ILogger CreateReplaySafeLogger(string categoryName) => new ReplaySafeLogger(this, LoggerFactory.CreateLogger(categoryName));

    /// <inheritdoc cref="CreateReplaySafeLogger(string)"/>
    public virtual ILogger CreateReplaySafeLogger<T>() => CreateReplaySafeLogger(typeof(T).FullName ?? typeof(T).Name);

    /// <summary>Wraps <paramref name="logger"/> so that it writes only when the orchestrator is not replaying.</summary>
    public virtual ILogger CreateReplaySafeLogger(ILogger logger) => new ReplaySafeLogger(this, logger);

    private sealed class ReplaySafeLogger(TaskOrchestrationContext context, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => !context.IsReplaying && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!context.IsReplaying)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}

/// <summary>The parent of a sub-orchestration.</summary>
/// <param name="Name">The parent's orchestrator name.</param>
/// <param name="InstanceId">The parent's instance id.</param>
/// <param name="ExecutionId">The parent's execution id.</param>
/// <param name="TaskScheduledId">The sequence number of the call in the parent.</param>
public sealed record ParentOrchestrationInstance(string Name, string InstanceId, string ExecutionId, int TaskScheduledId);
