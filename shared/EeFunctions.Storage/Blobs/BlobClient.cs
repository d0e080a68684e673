using System.Globalization;
using Azure;
using Azure.Core;
using EeFunctions.Storage.Blobs.Models;

namespace EeFunctions.Storage.Blobs;

/// <summary>One block blob (mirrors <c>Azure.Storage.Blobs.BlobClient</c>): upload, download, properties, delete.</summary>
public partial class BlobClient
{
    private readonly StorageServiceContext _context;

    public BlobClient(string connectionString, string blobContainerName, string blobName, BlobClientOptions? options = null)
        : this(new BlobContainerClient(connectionString, blobContainerName, options), blobName)
    {
    }

    internal BlobClient(BlobContainerClient container, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _context = container.Context;
        BlobContainerName = container.Name;
        Name = name;
        EscapedPath = container.EscapedPath + "/" + StorageServiceContext.EscapePath(name);
    }

    public string Name { get; }

    public string BlobContainerName { get; }

    public string? AccountName => _context.AccountName;

    public Uri Uri => _context.BuildUri(EscapedPath);

    internal StorageServiceContext Context => _context;

    /// <summary>Whether <see cref="GenerateSasUri"/> can sign: the client holds the account key.</summary>
    public bool CanGenerateSasUri => _context.SharedKey is not null;

    /// <summary>This blob's URI with a service SAS granting <paramref name="permissions"/> (e.g. <c>r</c>) until <paramref name="expiresOn"/>.</summary>
    public Uri GenerateSasUri(string permissions, DateTimeOffset expiresOn)
    {
        var key = _context.SharedKey ?? throw new InvalidOperationException("A SAS can only be signed by a client created with the account key.");
        var sas = new Sas.BlobSasBuilder { BlobContainerName = BlobContainerName, BlobName = Name, Permissions = permissions, ExpiresOn = expiresOn }.ToSasQueryParameters(key);
        return _context.BuildUri(EscapedPath, sas);
    }

    internal string EscapedPath { get; }

    /// <summary>Downloads the blob (or a range) as a stream; dispose the result to release the connection.</summary>
    public async Task<Response<BlobDownloadStreamingResult>> DownloadStreamingAsync(BlobDownloadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var message = _context.CreateMessage(RequestMethod.Get, Uri);
        try
        {
            message.BufferResponse = false;
            ApplyRange(message.Request, options?.Range ?? default);
            BlobHeaders.ApplyConditions(message.Request, options?.Conditions);
            var response = await _context.SendAsync(message, cancellationToken);
            var stream = message.ExtractResponseContent() ?? new MemoryStream();
            return Response.FromValue(new BlobDownloadStreamingResult(stream, BlobHeaders.DownloadDetails(response)), response);
        }
        finally
        {
            message.Dispose();
        }
    }

    /// <summary>Downloads the whole blob into memory.</summary>
    public async Task<Response<BlobDownloadResult>> DownloadContentAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        using var message = _context.CreateMessage(RequestMethod.Get, Uri);
        BlobHeaders.ApplyConditions(message.Request, conditions);
        var response = await _context.SendAsync(message, cancellationToken);
        return Response.FromValue(new BlobDownloadResult(response.Content, BlobHeaders.DownloadDetails(response)), response);
    }

    /// <summary>Streams the whole blob into <paramref name="destination"/> with bounded memory.</summary>
    public async Task<Response> DownloadToAsync(Stream destination, BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var result = await DownloadStreamingAsync(new BlobDownloadOptions { Conditions = conditions }, cancellationToken);
        using var download = result.Value;
        await download.Content.CopyToAsync(destination, 1 << 20, cancellationToken);
        return result.GetRawResponse();
    }

    /// <summary>Downloads the blob to a local file (created or truncated).</summary>
    public async Task<Response> DownloadToAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        return await DownloadToAsync(file, null, cancellationToken);
    }

    public async Task<Response<BlobProperties>> GetPropertiesAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        using var message = _context.CreateMessage(RequestMethod.Head, Uri);
        BlobHeaders.ApplyConditions(message.Request, conditions);
        var response = await _context.SendAsync(message, cancellationToken);
        return Response.FromValue(new BlobProperties
        {
            LastModified = BlobHeaders.LastModified(response),
            CreatedOn = BlobHeaders.Date(response, "x-ms-creation-time") ?? default,
            ContentLength = BlobHeaders.Long(response, "Content-Length"),
            ContentType = BlobHeaders.Header(response, "Content-Type"),
            ContentEncoding = BlobHeaders.Header(response, "Content-Encoding"),
            ContentHash = BlobHeaders.Md5(response),
            ETag = BlobHeaders.ETagOf(response),
            Metadata = BlobHeaders.Metadata(response),
            LeaseState = BlobHeaders.ParseLeaseState(BlobHeaders.Header(response, "x-ms-lease-state")),
            BlobType = BlobHeaders.Header(response, "x-ms-blob-type"),
        }, response);
    }

    /// <summary>Replaces the blob's metadata (conditional on <paramref name="conditions"/>).</summary>
    public async Task<Response<BlobInfo>> SetMetadataAsync(IDictionary<string, string> metadata, BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        using var message = _context.CreateMessage(RequestMethod.Put, _context.BuildUri(EscapedPath, "comp=metadata"));
        BlobHeaders.ApplyMetadata(message.Request, metadata);
        BlobHeaders.ApplyConditions(message.Request, conditions);
        var response = await _context.SendAsync(message, cancellationToken);
        return Response.FromValue(new BlobInfo(BlobHeaders.ETagOf(response), BlobHeaders.LastModified(response)), response);
    }

    public async Task<Response> DeleteAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        using var message = _context.CreateMessage(RequestMethod.Delete, Uri);
        BlobHeaders.ApplyConditions(message.Request, conditions);
        return await _context.SendAsync(message, cancellationToken);
    }

    /// <summary>Deletes the blob; false when the blob (or its container) does not exist.</summary>
    public async Task<Response<bool>> DeleteIfExistsAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await DeleteAsync(conditions, cancellationToken);
            return Response.FromValue(true, response);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode is BlobErrorCode.BlobNotFound or BlobErrorCode.ContainerNotFound)
        {
            return Response.FromValue(false, ex.GetRawResponse()!);
        }
    }

    public async Task<Response<bool>> ExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = _context.CreateMessage(RequestMethod.Head, Uri);
        await _context.Pipeline.SendAsync(message, cancellationToken);
        var response = message.Response;
        return response.Status switch
        {
            200 => Response.FromValue(true, response),
            404 => Response.FromValue(false, response),
            _ => throw StorageServiceContext.CreateException(response),
        };
    }

    private static void ApplyRange(Request request, HttpRange range)
    {
        if (range.Offset == 0 && range.Length is null)
        {
            return;
        }

        var end = range.Length is { } length ? (range.Offset + length - 1).ToString(CultureInfo.InvariantCulture) : string.Empty;
        request.Headers.SetValue("x-ms-range", $"bytes={range.Offset.ToString(CultureInfo.InvariantCulture)}-{end}");
    }
}
