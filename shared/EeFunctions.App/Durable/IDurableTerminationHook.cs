using Microsoft.DurableTask.Client;

namespace EeFunctions.App.Durable;

/// <summary>
/// Told when the Durable HTTP API has terminated an instance. A terminated orchestrator never runs again, so a
/// feature whose orchestrations own external state (blobs, rows) registers one of these to clean that state up.
/// </summary>
public interface IDurableTerminationHook
{
    /// <param name="instance">The instance as it was just before the terminate (with its input and custom status).</param>
    Task OnTerminatedAsync(OrchestrationMetadata instance, CancellationToken cancellationToken);
}
