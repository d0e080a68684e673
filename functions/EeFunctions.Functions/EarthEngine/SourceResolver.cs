using System.Security.Cryptography;
using System.Text;
using Azure;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace EeFunctions.Functions.EarthEngine;

/// <summary>Where a source's bytes are: a blob of the configured account (in place or staged), or an http(s) URL still to download.</summary>
public sealed record SourceLocation(string Uri, string? Container, string? Blob)
{
    public bool IsBlob => Container is not null && Blob is not null;
}

/// <summary>
/// Turns source URIs into blobs of the configured account — <c>gs://bucket/path</c> is container/blob, blob URLs of the
/// account are used as they are — downloads http(s) sources to the staging container through <see cref="SafeHttpDownloader"/>,
/// and gives activities a local file of a blob (cached by ETag) for GDAL to read.
/// </summary>
public sealed class SourceResolver(BlobServiceClient blobs, SafeHttpDownloader downloader, IOptions<EarthEngineOptions> options)
{
    private readonly EarthEngineOptions _options = options.Value;

    public SourceLocation Locate(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.StartsWith("gs://", StringComparison.Ordinal))
        {
            var rest = uri[5..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            return new SourceLocation(uri, rest[..slash], Uri.UnescapeDataString(rest[(slash + 1)..]));
        }

        var account = blobs.Uri.AbsoluteUri.TrimEnd('/') + "/";
        if (uri.StartsWith(account, StringComparison.OrdinalIgnoreCase))
        {
            var rest = uri[account.Length..];
            var query = rest.IndexOf('?', StringComparison.Ordinal);
            rest = query >= 0 ? rest[..query] : rest;
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0 && slash < rest.Length - 1)
            {
                return new SourceLocation(uri, rest[..slash], Uri.UnescapeDataString(rest[(slash + 1)..]));
            }
        }

        return new SourceLocation(uri, null, null);
    }

    /// <summary>Downloads an http(s) source into the staging container; returns where it now is.</summary>
    public async Task<SourceLocation> StageAsync(string uri, string stagingBlob, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(_options.StagingContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var blob = container.GetBlobClient(stagingBlob);
        if (!(await blob.ExistsAsync(cancellationToken)).Value)
        {
            var temp = Path.Combine(CacheDirectory(), "dl-" + Guid.NewGuid().ToString("N"));
            try
            {
                await downloader.DownloadAsync(new Uri(uri), temp, cancellationToken);
                await using var stream = File.OpenRead(temp);
                await blob.UploadAsync(stream, overwrite: true, cancellationToken);
            }
            finally
            {
                File.Delete(temp);
            }
        }

        return new SourceLocation(uri, _options.StagingContainer, stagingBlob);
    }

    /// <summary>A local copy of a blob source (downloaded once per ETag); NOT_FOUND-style INVALID_ARGUMENT when it is missing.</summary>
    public async Task<string> LocalFileAsync(SourceLocation source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!source.IsBlob)
        {
            throw new InvalidOperationException($"Source '{source.Uri}' is not in blob storage.");
        }

        var blob = blobs.GetBlobContainerClient(source.Container!).GetBlobClient(source.Blob!);
        long length;
        ETag etag;
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            length = properties.ContentLength;
            etag = properties.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Source '{source.Uri}' was not found (container '{source.Container}', blob '{source.Blob}').");
        }

        if (length > _options.MaxSourceBytes)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Source '{source.Uri}' is {length} bytes; the limit is {_options.MaxSourceBytes}.");
        }

        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{source.Container}/{source.Blob}/{etag}")))[..32];
        var extension = Path.GetExtension(source.Blob!);
        var path = Path.Combine(CacheDirectory(), key + (extension.Length is > 0 and <= 6 ? extension : ".bin"));
        if (File.Exists(path))
        {
            return path;
        }

        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await blob.DownloadToAsync(file, new Storage.Blobs.Models.BlobRequestConditions { IfMatch = etag }, cancellationToken);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        return path;
    }

    /// <summary>The local file GDAL reads for a tileset: its single source, or the filled-in VRT over all of them.</summary>
    public async Task<string> LocalTilesetFileAsync(IReadOnlyList<SourceLocation> sources, string? vrtTemplate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var paths = new List<string>();
        foreach (var source in sources)
        {
            paths.Add(await LocalFileAsync(source, cancellationToken));
        }

        return vrtTemplate is null ? paths[0] : SourceVrt.Write(vrtTemplate, paths, CacheDirectory());
    }

    private string CacheDirectory()
    {
        var directory = _options.LocalCacheDirectory ?? Path.Combine(Path.GetTempPath(), "eefunctions-sources");
        Directory.CreateDirectory(directory);
        return directory;
    }
}
