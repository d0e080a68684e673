using System.Collections.Concurrent;

namespace EeFunctions.Durable.Worker;

/// <summary>
/// The single-threaded scheduler orchestrator code runs on: continuations posted to it wait in a queue that the engine drains
/// on its own thread after delivering each event, so orchestrator code never runs concurrently and always in event order.
/// </summary>
internal sealed class OrchestrationSynchronizationContext : SynchronizationContext
{
    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _queue = new();

    public override void Post(SendOrPostCallback d, object? state) => _queue.Enqueue((d, state));

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Orchestrator code cannot block on its scheduler.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs queued continuations until none are left; must be called with this context current.</summary>
    public void Drain()
    {
        while (_queue.TryDequeue(out var item))
        {
            item.Callback(item.State);
        }
    }
}
