using System.Xml.Linq;
using Azure;
using Azure.Core;
using EeFunctions.Storage.Blobs.Models;

namespace EeFunctions.Storage.Blobs;

/// <summary>The blob service of one storage account (mirrors <c>Azure.Storage.Blobs.BlobServiceClient</c>).</summary>
public class BlobServiceClient
{
    private readonly StorageServiceContext _context;

    public BlobServiceClient(string connectionString, BlobClientOptions? options = null)
        : this(StorageServiceContext.FromConnectionString(connectionString, StorageService.Blob, options))
    {
    }

    public BlobServiceClient(Uri serviceUri, StorageSharedKeyCredential credential, BlobClientOptions? options = null)
        : this(StorageServiceContext.Create(serviceUri, StorageService.Blob, options, sharedKey: credential))
    {
    }

    public BlobServiceClient(Uri serviceUri, TokenCredential credential, BlobClientOptions? options = null)
        : this(StorageServiceContext.Create(serviceUri, StorageService.Blob, options, token: credential))
    {
    }

    public BlobServiceClient(Uri serviceUri, AzureSasCredential credential, BlobClientOptions? options = null)
        : this(StorageServiceContext.Create(serviceUri, StorageService.Blob, options, sas: credential?.Signature))
    {
    }

    /// <summary>A client for a SAS URI (the signature in its query) or an anonymous endpoint.</summary>
    public BlobServiceClient(Uri serviceUri, BlobClientOptions? options = null)
        : this(StorageServiceContext.Create(serviceUri, StorageService.Blob, options))
    {
    }

    private BlobServiceClient(StorageServiceContext context) => _context = context;

    public Uri Uri => _context.Endpoint;

    public string? AccountName => _context.AccountName;

    public BlobContainerClient GetBlobContainerClient(string blobContainerName) => new(_context, blobContainerName);

    /// <summary>Lists containers, following continuation markers.</summary>
    public AsyncPageable<BlobContainerItem> GetBlobContainersAsync(string? prefix = null, CancellationToken cancellationToken = default) =>
        new XmlListPageable<BlobContainerItem>(async (marker, pageSize, ct) =>
        {
            var query = "comp=list" + ListQuery.Build(prefix, null, marker, pageSize, false);
            using var message = _context.CreateMessage(RequestMethod.Get, _context.BuildUri(string.Empty, query));
            var response = await _context.SendAsync(message, ct);
            var doc = XDocument.Parse(response.Content.ToString());
            var items = doc.Root!.Element("Containers")?.Elements("Container").Select(c => new BlobContainerItem
            {
                Name = (string)c.Element("Name")!,
                ETag = new ETag((string?)c.Element("Properties")?.Element("Etag") ?? string.Empty),
                LastModified = ListQuery.ParseDate((string?)c.Element("Properties")?.Element("Last-Modified")),
            }).ToList() ?? [];
            return (items, ListQuery.NextMarker(doc), response);
        }, cancellationToken);

    /// <summary>Reads the service properties: a cheap reachability and credential check.</summary>
    public async Task<Response> GetPropertiesAsync(CancellationToken cancellationToken = default)
    {
        using var message = _context.CreateMessage(RequestMethod.Get, _context.BuildUri(string.Empty, "restype=service&comp=properties"));
        return await _context.SendAsync(message, cancellationToken);
    }
}

/// <summary>Options of the blob clients.</summary>
public sealed class BlobClientOptions : StorageClientOptions
{
}
