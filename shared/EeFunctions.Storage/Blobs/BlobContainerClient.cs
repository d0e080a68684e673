using System.Xml.Linq;
using Azure;
using Azure.Core;
using EeFunctions.Storage.Blobs.Models;

namespace EeFunctions.Storage.Blobs;

/// <summary>One blob container (mirrors <c>Azure.Storage.Blobs.BlobContainerClient</c>).</summary>
public class BlobContainerClient
{
    private readonly StorageServiceContext _context;

    public BlobContainerClient(string connectionString, string blobContainerName, BlobClientOptions? options = null)
        : this(StorageServiceContext.FromConnectionString(connectionString, StorageService.Blob, options), blobContainerName)
    {
    }

    internal BlobContainerClient(StorageServiceContext context, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _context = context;
        Name = name;
    }

    public string Name { get; }

    public string? AccountName => _context.AccountName;

    public Uri Uri => _context.BuildUri(Uri.EscapeDataString(Name));

    internal StorageServiceContext Context => _context;

    internal string EscapedPath => Uri.EscapeDataString(Name);

    public BlobClient GetBlobClient(string blobName) => new(this, blobName);

    public async Task<Response<BlobContainerInfo>> CreateAsync(IDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        using var message = _context.CreateMessage(RequestMethod.Put, _context.BuildUri(EscapedPath, "restype=container"));
        BlobHeaders.ApplyMetadata(message.Request, metadata);
        var response = await _context.SendAsync(message, cancellationToken);
        return Response.FromValue(new BlobContainerInfo(BlobHeaders.ETagOf(response), BlobHeaders.LastModified(response)), response);
    }

    /// <summary>Creates the container unless it exists; returns null when it already existed.</summary>
    public async Task<Response<BlobContainerInfo>?> CreateIfNotExistsAsync(IDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await CreateAsync(metadata, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerAlreadyExists)
        {
            return null;
        }
    }

    public async Task<Response> DeleteAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        using var message = _context.CreateMessage(RequestMethod.Delete, _context.BuildUri(EscapedPath, "restype=container"));
        BlobHeaders.ApplyConditions(message.Request, conditions);
        return await _context.SendAsync(message, cancellationToken);
    }

    public async Task<Response<bool>> DeleteIfExistsAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await DeleteAsync(conditions, cancellationToken);
            return Response.FromValue(true, response);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return Response.FromValue(false, ex.GetRawResponse()!);
        }
    }

    public async Task<Response<bool>> ExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = _context.CreateMessage(RequestMethod.Head, _context.BuildUri(EscapedPath, "restype=container"));
        await _context.Pipeline.SendAsync(message, cancellationToken);
        var response = message.Response;
        return response.Status switch
        {
            200 => Response.FromValue(true, response),
            404 => Response.FromValue(false, response),
            _ => throw StorageServiceContext.CreateException(response),
        };
    }

    public async Task<Response<IDictionary<string, string>>> GetMetadataAsync(CancellationToken cancellationToken = default)
    {
        using var message = _context.CreateMessage(RequestMethod.Head, _context.BuildUri(EscapedPath, "restype=container"));
        var response = await _context.SendAsync(message, cancellationToken);
        return Response.FromValue<IDictionary<string, string>>(BlobHeaders.Metadata(response), response);
    }

    /// <summary>Lists blobs (flat), following continuation markers; the page size hint maps to <c>maxresults</c>.</summary>
    public AsyncPageable<BlobItem> GetBlobsAsync(BlobTraits traits = BlobTraits.None, BlobStates states = BlobStates.None, string? prefix = null, CancellationToken cancellationToken = default)
    {
        _ = states;
        return new XmlListPageable<BlobItem>(async (marker, pageSize, ct) =>
        {
            var (doc, response) = await ListAsync(prefix, null, marker, pageSize, traits, ct);
            var items = doc.Root!.Element("Blobs")?.Elements("Blob").Select(ParseBlob).ToList() ?? [];
            return (items, ListQuery.NextMarker(doc), response);
        }, cancellationToken);
    }

    /// <summary>Lists blobs and virtual directories under a prefix, split at <paramref name="delimiter"/>.</summary>
    public AsyncPageable<BlobHierarchyItem> GetBlobsByHierarchyAsync(BlobTraits traits = BlobTraits.None, BlobStates states = BlobStates.None, string? delimiter = "/", string? prefix = null, CancellationToken cancellationToken = default)
    {
        _ = states;
        return new XmlListPageable<BlobHierarchyItem>(async (marker, pageSize, ct) =>
        {
            var (doc, response) = await ListAsync(prefix, delimiter, marker, pageSize, traits, ct);
            var blobs = doc.Root!.Element("Blobs");
            var items = new List<BlobHierarchyItem>();
            if (blobs is not null)
            {
                foreach (var element in blobs.Elements())
                {
                    items.Add(element.Name.LocalName == "BlobPrefix"
                        ? new BlobHierarchyItem { Prefix = (string?)element.Element("Name") }
                        : new BlobHierarchyItem { Blob = ParseBlob(element) });
                }
            }

            return (items, ListQuery.NextMarker(doc), response);
        }, cancellationToken);
    }

    private async Task<(XDocument Doc, Response Response)> ListAsync(string? prefix, string? delimiter, string? marker, int? pageSize, BlobTraits traits, CancellationToken cancellationToken)
    {
        var query = "restype=container&comp=list" + ListQuery.Build(prefix, delimiter, marker, pageSize, traits.HasFlag(BlobTraits.Metadata));
        using var message = _context.CreateMessage(RequestMethod.Get, _context.BuildUri(EscapedPath, query));
        var response = await _context.SendAsync(message, cancellationToken);
        return (XDocument.Parse(response.Content.ToString()), response);
    }

    private static BlobItem ParseBlob(XElement blob)
    {
        var properties = blob.Element("Properties");
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var m in blob.Element("Metadata")?.Elements() ?? [])
        {
            metadata[m.Name.LocalName] = m.Value;
        }

        var length = (string?)properties?.Element("Content-Length");
        var etag = (string?)properties?.Element("Etag");
        return new BlobItem
        {
            Name = (string)blob.Element("Name")!,
            Properties = new BlobItemProperties
            {
                LastModified = ListQuery.ParseDate((string?)properties?.Element("Last-Modified")),
                ContentLength = long.TryParse(length, System.Globalization.CultureInfo.InvariantCulture, out var l) ? l : null,
                ContentType = (string?)properties?.Element("Content-Type"),
                ETag = etag is null ? null : new ETag(etag),
                LeaseState = BlobHeaders.ParseLeaseState((string?)properties?.Element("LeaseState")),
            },
            Metadata = metadata,
        };
    }
}
