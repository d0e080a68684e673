namespace EeFunctions.Durable;

/// <summary>
/// A declarative retry policy for activities and sub-orchestrations. Retries are durable timers in the orchestration: the delay
/// before retry k (0-based) is <c>firstRetryInterval × backoffCoefficient^k</c>, capped at <see cref="MaxRetryInterval"/>, and no
/// retry starts once <see cref="RetryTimeout"/> has passed since the first attempt (measured on the orchestration's clock).
/// </summary>
public sealed class RetryPolicy
{
    /// <summary>Creates a policy.</summary>
    /// <param name="maxNumberOfAttempts">Total attempts including the first; at least 1.</param>
    /// <param name="firstRetryInterval">Delay before the first retry; positive.</param>
    /// <param name="backoffCoefficient">Growth factor of the delay; at least 1.</param>
    /// <param name="maxRetryInterval">Cap on one delay; default one hour.</param>
    /// <param name="retryTimeout">Overall time after which no retry starts; default infinite.</param>
    public RetryPolicy(
        int maxNumberOfAttempts,
        TimeSpan firstRetryInterval,
        double backoffCoefficient = 1.0,
        TimeSpan? maxRetryInterval = null,
        TimeSpan? retryTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNumberOfAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstRetryInterval, TimeSpan.Zero);
        if (double.IsNaN(backoffCoefficient) || backoffCoefficient < 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(backoffCoefficient), backoffCoefficient, "The backoff coefficient must be at least 1.");
        }

        var max = maxRetryInterval ?? TimeSpan.FromHours(1);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, firstRetryInterval, nameof(maxRetryInterval));
        var timeout = retryTimeout ?? Timeout.InfiniteTimeSpan;
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(timeout, firstRetryInterval, nameof(retryTimeout));
        }

        MaxNumberOfAttempts = maxNumberOfAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = max;
        RetryTimeout = timeout;
    }

    /// <summary>Total attempts including the first.</summary>
    public int MaxNumberOfAttempts { get; }

    /// <summary>Delay before the first retry.</summary>
    public TimeSpan FirstRetryInterval { get; }

    /// <summary>Growth factor of the delay between attempts.</summary>
    public double BackoffCoefficient { get; }

    /// <summary>Cap on a single delay.</summary>
    public TimeSpan MaxRetryInterval { get; }

    /// <summary>Overall time after which no more retries start; <see cref="Timeout.InfiniteTimeSpan"/> for none.</summary>
    public TimeSpan RetryTimeout { get; }

    /// <summary>Decides whether a failure is retried; all failures are retried when null.</summary>
    public Func<TaskFailureDetails, bool>? HandleFailure { get; init; }

    /// <summary>
    /// The delay before the next attempt after <paramref name="failedAttempts"/> failed attempts, or null when no retry should start
    /// (attempts exhausted or the retry timeout passed).
    /// </summary>
    /// <param name="failedAttempts">How many attempts have failed so far (at least 1).</param>
    /// <param name="elapsed">Time since the first attempt started, on the orchestration's clock.</param>
    public TimeSpan? GetNextDelay(int failedAttempts, TimeSpan elapsed)
    {
        if (failedAttempts >= MaxNumberOfAttempts)
        {
            return null;
        }

        if (RetryTimeout != Timeout.InfiniteTimeSpan && elapsed >= RetryTimeout)
        {
            return null;
        }

        var ticks = FirstRetryInterval.Ticks * Math.Pow(BackoffCoefficient, failedAttempts - 1);
        return ticks >= MaxRetryInterval.Ticks ? MaxRetryInterval : TimeSpan.FromTicks((long)ticks);
    }
}

/// <summary>What a custom retry handler sees after a failed attempt.</summary>
/// <param name="OrchestrationContext">The orchestration; handlers may create timers on it.</param>
/// <param name="LastAttemptNumber">The number of the attempt that just failed (1-based).</param>
/// <param name="LastFailure">Why it failed.</param>
/// <param name="TotalRetryTime">Time since the first attempt, on the orchestration's clock.</param>
/// <param name="CancellationToken">Cancelled when the orchestration abandons the call.</param>
public sealed record RetryContext(
    TaskOrchestrationContext OrchestrationContext,
    int LastAttemptNumber,
    TaskFailureDetails LastFailure,
    TimeSpan TotalRetryTime,
    CancellationToken CancellationToken);

/// <summary>A custom retry decision: return true to try again (after any delay the handler awaits itself).</summary>
public delegate Task<bool> AsyncRetryHandler(RetryContext retryContext);

/// <summary>Retry options of a call: a declarative policy or a custom handler.</summary>
public sealed class TaskRetryOptions
{
    /// <summary>Retries by <paramref name="policy"/>.</summary>
    public TaskRetryOptions(RetryPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Policy = policy;
    }

    /// <summary>Retries while <paramref name="handler"/> says so.</summary>
    public TaskRetryOptions(AsyncRetryHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Handler = handler;
    }

    /// <summary>The declarative policy, if any.</summary>
    public RetryPolicy? Policy { get; }

    /// <summary>The custom handler, if any.</summary>
    public AsyncRetryHandler? Handler { get; }

    /// <summary>Wraps a policy.</summary>
    public static implicit operator TaskRetryOptions(RetryPolicy policy) => FromRetryPolicy(policy);

    /// <summary>Wraps a policy.</summary>
    public static TaskRetryOptions FromRetryPolicy(RetryPolicy policy) => new(policy);

    /// <summary>Wraps a handler.</summary>
    public static TaskRetryOptions FromRetryHandler(AsyncRetryHandler handler) => new(handler);
}

/// <summary>Options of an activity or sub-orchestration call.</summary>
public class TaskOptions
{
    /// <summary>Creates options with optional retries.</summary>
    public TaskOptions(TaskRetryOptions? retry = null)
    {
        Retry = retry;
    }

    /// <summary>How failures are retried; null for no retries.</summary>
    public TaskRetryOptions? Retry { get; init; }

    /// <summary>Options that retry by <paramref name="policy"/>.</summary>
    public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(new TaskRetryOptions(policy));

    /// <summary>Options that retry while <paramref name="handler"/> says so.</summary>
    public static TaskOptions FromRetryHandler(AsyncRetryHandler handler) => new(new TaskRetryOptions(handler));

    /// <summary>Sub-orchestration options with these retries and the given instance id.</summary>
    public SubOrchestrationOptions WithInstanceId(string instanceId) => new(this, instanceId);
}

/// <summary>Options of a sub-orchestration call: retries and an optional instance id.</summary>
public class SubOrchestrationOptions : TaskOptions
{
    /// <summary>Creates options.</summary>
    public SubOrchestrationOptions(TaskRetryOptions? retry = null, string? instanceId = null)
        : base(retry)
    {
        InstanceId = instanceId;
    }

    /// <summary>Copies <paramref name="options"/> and sets the instance id.</summary>
    public SubOrchestrationOptions(TaskOptions options, string? instanceId = null)
        : base(options?.Retry)
    {
        InstanceId = instanceId ?? (options as SubOrchestrationOptions)?.InstanceId;
    }

    /// <summary>The child's instance id; a deterministic new id when null.</summary>
    public string? InstanceId { get; init; }
}
