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

    /// <summary>The first exception a posted callback threw (e.g. from an <c>async void</c> method), if any.</summary>
    public Exception? UnhandledException { get; private set; }

    /// <summary>Runs queued continuations until none are left; must be called with this context current.</summary>
    public void Drain()
    {
        while (_queue.TryDequeue(out var item))
        {
            try
            {
                item.Callback(item.State);
            }
#pragma warning disable CA1031 // Captured and turned into the orchestration's failure.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                UnhandledException ??= ex;
            }
        }
    }
}
