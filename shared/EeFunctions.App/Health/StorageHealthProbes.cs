using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Data.Tables;

namespace EeFunctions.App.Health;

/// <summary>Storage reachability: one cheap authenticated request per service, no retries.</summary>
public abstract class StorageHealthProbe(string component) : IHealthProbe
{
    public string Component { get; } = component;

    public async Task<ComponentHealth> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            var endpoint = await ProbeAsync(cancellationToken);
            return new ComponentHealth(true, $"reachable at {endpoint}");
        }
        catch (RequestFailedException ex) when (ex.Status == 0)
        {
            // Azure.Core reports a transport failure (refused, timed out) as status 0.
            return Unreachable(ex);
        }
        catch (RequestFailedException ex)
        {
            return new ComponentHealth(false, $"{Component} service answered {ex.Status} {ex.ErrorCode}: {FirstLine(ex.Message)}");
        }
        catch (Exception ex) when (ex is HttpRequestException or AggregateException or IOException or TimeoutException)
        {
            return Unreachable(ex);
        }
    }

    private ComponentHealth Unreachable(Exception ex) =>
        new(false, $"{Component} service unreachable: {FirstLine(ex.Message)}",
            "Is the storage emulator running? `make run` starts Azurite; check AzureWebJobsStorage.");

    /// <summary>Sends the probe request; returns the endpoint probed.</summary>
    protected abstract Task<Uri> ProbeAsync(CancellationToken cancellationToken);

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}

public sealed class BlobHealthProbe(BlobServiceClient client) : StorageHealthProbe("blob")
{
    protected override async Task<Uri> ProbeAsync(CancellationToken cancellationToken)
    {
        await client.GetPropertiesAsync(cancellationToken);
        return client.Uri;
    }
}

public sealed class QueueHealthProbe(QueueServiceClient client) : StorageHealthProbe("queue")
{
    protected override async Task<Uri> ProbeAsync(CancellationToken cancellationToken)
    {
        // Existence of an arbitrary queue: any authenticated answer (200 or 404) proves the service works.
        await client.GetQueueClient("eefunctions-health-probe").ExistsAsync(cancellationToken);
        return client.Uri;
    }
}

public sealed class TableHealthProbe(TableServiceClient client) : StorageHealthProbe("table")
{
    protected override async Task<Uri> ProbeAsync(CancellationToken cancellationToken)
    {
        // One page of at most one table: an authenticated round trip, whatever tables exist.
        await foreach (var _ in client.QueryAsync(maxPerPage: 1, cancellationToken: cancellationToken).AsPages(pageSizeHint: 1))
        {
            break;
        }

        return client.Uri;
    }
}
