namespace EeFunctions.Durable.Worker;

/// <summary>Options of the <see cref="DurableTaskWorker"/>.</summary>
public sealed class DurableTaskWorkerOptions
{
    /// <summary>Activities run at once by this worker (Durable Functions' <c>maxConcurrentActivityFunctions</c>); default 10 × cores.</summary>
    public int MaxConcurrentActivityFunctions { get; set; } = 10 * Environment.ProcessorCount;

    /// <summary>Orchestration episodes run at once (Durable Functions' <c>maxConcurrentOrchestratorFunctions</c>); default 10 × cores.</summary>
    public int MaxConcurrentOrchestratorFunctions { get; set; } = 10 * Environment.ProcessorCount;

    /// <summary>Longest single durable timer; longer timers are chained. Default 3 days (queue visibility is capped at 7).</summary>
    public TimeSpan MaximumTimerInterval { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// Instances whose replayed state the worker keeps in memory between episodes; 0 disables the cache, so that every episode
    /// replays the full history (slow, but useful to test replay).
    /// </summary>
    public int MaxCachedOrchestrations { get; set; } = 100_000;

    /// <summary>Pause after an unexpected error in a dispatcher loop.</summary>
    public TimeSpan ErrorBackoff { get; set; } = TimeSpan.FromSeconds(1);
}
