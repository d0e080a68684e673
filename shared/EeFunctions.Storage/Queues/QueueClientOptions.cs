namespace EeFunctions.Storage.Queues;

/// <summary>Options for the queue clients (as Azure.Storage.Queues.QueueClientOptions): retries, version, diagnostics.</summary>
public class QueueClientOptions : StorageClientOptions
{
}
