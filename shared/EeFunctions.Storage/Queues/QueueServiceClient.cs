using System.Text;
using System.Xml;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using EeFunctions.Storage.Queues.Models;

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

    /// <summary>Lists the account's queues (optionally those starting with <paramref name="prefix"/>), following the service's markers.</summary>
    public virtual AsyncPageable<QueueItem> GetQueuesAsync(QueueTraits traits = QueueTraits.None, string? prefix = null, CancellationToken cancellationToken = default) =>
        new QueuePageable<QueueItem>((marker, pageSize, ct) => GetQueuesPageAsync(traits, prefix, marker, pageSize, ct), cancellationToken);

    private async Task<Page<QueueItem>> GetQueuesPageAsync(QueueTraits traits, string? prefix, string? marker, int? pageSize, CancellationToken cancellationToken)
    {
        var query = new StringBuilder("comp=list");
        if (!string.IsNullOrEmpty(prefix))
        {
            query.Append("&prefix=").Append(Uri.EscapeDataString(prefix));
        }

        if (!string.IsNullOrEmpty(marker))
        {
            query.Append("&marker=").Append(Uri.EscapeDataString(marker));
        }

        if (pageSize is { } max)
        {
            query.Append("&maxresults=").Append(max.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (traits.HasFlag(QueueTraits.Metadata))
        {
            query.Append("&include=metadata");
        }

        using var message = _context.CreateMessage(RequestMethod.Get, _context.BuildUri(string.Empty, query.ToString()));
        var response = await _context.SendAsync(message, cancellationToken);
        using var stream = response.Content.ToStream();
        using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        var root = XDocument.Load(reader).Root;
        var items = root?.Element("Queues")?.Elements("Queue").Select(q => new QueueItem(
            q.Element("Name")?.Value ?? string.Empty,
            q.Element("Metadata") is { } metadata ? metadata.Elements().ToDictionary(e => e.Name.LocalName, e => e.Value, StringComparer.OrdinalIgnoreCase) : null)).ToList() ?? [];
        var next = root?.Element("NextMarker")?.Value;
        return Page<QueueItem>.FromValues(items, string.IsNullOrEmpty(next) ? null : next, response);
    }
}
