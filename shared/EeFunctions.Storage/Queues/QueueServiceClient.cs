using Azure;
using Azure.Core;

namespace EeFunctions.Storage.Queues;

/// <summary>The queue service of a storage account (names as in Azure.Storage.Queues.QueueServiceClient).</summary>
public class QueueServiceClient
{
    private readonly StorageServiceContext _context;

    public QueueServiceClient(string connectionString)
        : this(connectionString, null)
    {
    }

    public QueueServiceClient(string connectionString, QueueClientOptions? options)
        : this(StorageServiceContext.FromConnectionString(connectionString, StorageService.Queue, options))
    {
    }

    /// <summary>A service URL with a SAS in its query (or a public endpoint).</summary>
    public QueueServiceClient(Uri serviceUri, QueueClientOptions? options = null)
        : this(StorageServiceContext.Create(serviceUri, StorageService.Queue, options))
    {
    }

    public QueueServiceClient(Uri serviceUri, StorageSharedKeyCredential credential, QueueClientOptions? options = null)
        : this(StorageServiceContext.Create(serviceUri, StorageService.Queue, options, sharedKey: credential ?? throw new ArgumentNullException(nameof(credential))))
    {
    }

    /// <summary>A service URL and a SAS credential (its signature is read once, when the client is built).</summary>
    public QueueServiceClient(Uri serviceUri, AzureSasCredential credential, QueueClientOptions? options = null)
        : this(StorageServiceContext.Create(serviceUri, StorageService.Queue, options, sas: (credential ?? throw new ArgumentNullException(nameof(credential))).Signature))
    {
    }

    public QueueServiceClient(Uri serviceUri, TokenCredential credential, QueueClientOptions? options = null)
        : this(StorageServiceContext.Create(serviceUri, StorageService.Queue, options, token: credential ?? throw new ArgumentNullException(nameof(credential))))
    {
    }

    internal QueueServiceClient(StorageServiceContext context) => _context = context;

    /// <summary>Mocking constructor.</summary>
    protected QueueServiceClient() => _context = null!;

    public virtual Uri Uri => _context.Endpoint;

    public virtual string? AccountName => _context.AccountName;

    /// <summary>A client for one queue, sharing this client's pipeline.</summary>
    public virtual QueueClient GetQueueClient(string queueName) => new(_context, queueName);

    public virtual async Task<Response<QueueClient>> CreateQueueAsync(string queueName, IDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        var queue = GetQueueClient(queueName);
        var response = await queue.CreateAsync(metadata, cancellationToken);
        return Response.FromValue(queue, response);
    }

    public virtual Task<Response> DeleteQueueAsync(string queueName, CancellationToken cancellationToken = default) =>
        GetQueueClient(queueName).DeleteAsync(cancellationToken);
}
