using System.Security.Cryptography;
using System.Text;
using Azure;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.Raster.Gdal;
using EeFunctions.Storage.Blobs;
using EeFunctions.Storage.Blobs.Models;
using Microsoft.Extensions.Options;

namespace EeFunctions.Functions.EarthEngine;

/// <summary>Where a source's bytes are: a blob of the configured account (in place or staged), or an http(s) URL still to download.</summary>
/// <remarks><paramref name="ETag"/> is the version the import pinned when it first read the blob.</remarks>
public sealed record SourceLocation(string Uri, string? Container, string? Blob, string? ETag = null)
{
    public bool IsBlob => Container is not null && Blob is not null;
}

/// <summary>A blob source opened for GDAL: its pinned location, the path GDAL reads, and its size.</summary>
public sealed record SourceRead(SourceLocation Location, string GdalPath, long Length);

/// <summary>
/// Turns source URIs into blobs of the configured account — <c>gs://bucket/path</c> is container/blob, blob URLs of the
/// account are used as they are — downloads http(s) sources to the staging container through <see cref="SafeHttpDownloader"/>,
/// and gives GDAL a path to each blob: read in place by range requests, or a local copy when no SAS can be signed.
/// </summary>
public sealed class SourceResolver(BlobServiceClient blobs, SafeHttpDownloader downloader, IOptions<EarthEngineOptions> options)
{
    private readonly EarthEngineOptions _options = options.Value;
    private long _lastVrtPrune;

    /// <summary>
    /// Where a source URI points. The service's own containers (tiles, staging, the task hub's) are refused: a caller
    /// of one project must not ingest another project's tiles, staged downloads or orchestration state.
    /// </summary>
    public SourceLocation Locate(string uri)
    {
        var location = LocateAny(uri);
        if (location.Container is { } container && IsServiceContainer(container))
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Source '{uri}' is in the service's own container '{container}'; put sources in a container of their own.");
        }

        return location;
    }

    private bool IsServiceContainer(string container) =>
        string.Equals(container, _options.TilesContainer, StringComparison.OrdinalIgnoreCase)
        || string.Equals(container, _options.StagingContainer, StringComparison.OrdinalIgnoreCase)
        || container.EndsWith("-largemessages", StringComparison.OrdinalIgnoreCase)
        || container.EndsWith("-leases", StringComparison.OrdinalIgnoreCase);

    private SourceLocation LocateAny(string uri)
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

                // Created once: two activities staging the same source (a mask tileset is also its own tileset) must
                // not replace the blob under each other's pinned ETag.
                await blob.UploadAsync(stream, overwrite: false, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Staged by the other activity first: use that copy.
            }
            finally
            {
                File.Delete(temp);
            }
        }

        return new SourceLocation(uri, _options.StagingContainer, stagingBlob);
    }

    /// <summary>
    /// Where GDAL reads a blob source: in place by HTTP range reads through a read-only SAS of that blob when the
    /// account key is at hand, else a local copy (downloaded once per ETag). The first call pins the blob's ETag in
    /// the returned location; later calls with it fail if the blob has been replaced since, so one import never
    /// mixes two versions of a source. A missing blob is INVALID_ARGUMENT naming it.
    /// </summary>
    public async Task<SourceRead> OpenAsync(SourceLocation source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var blob = BlobOf(source);
        BlobProperties properties;
        try
        {
            properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Source '{source.Uri}' was not found (container '{source.Container}', blob '{source.Blob}').");
        }

        if (source.ETag is { } pinned && pinned != properties.ETag.ToString())
        {
            throw new EarthEngineException(EeStatusCode.FailedPrecondition, $"Source '{source.Uri}' was replaced while it was being imported; import it again.");
        }

        if (properties.ContentLength > _options.MaxSourceBytes)
        {
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Source '{source.Uri}' is {properties.ContentLength} bytes; the limit is {_options.MaxSourceBytes}.");
        }

        var located = source with { ETag = properties.ETag.ToString() };
        if (blob.CanGenerateSasUri)
        {
            return new SourceRead(located, GdalRuntime.RemotePath(ReadUri(blob, properties.ETag)), properties.ContentLength);
        }

        return new SourceRead(located, await LocalCopyAsync(located, blob, properties, cancellationToken), properties.ContentLength);
    }

    /// <summary>The first bytes of a blob source (to recognise what it is before GDAL opens it).</summary>
    public async Task<byte[]> ReadHeadAsync(SourceLocation source, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var options = new BlobDownloadOptions { Range = new HttpRange(0, count) };
        if (source.ETag is { } etag)
        {
            options.Conditions = new BlobRequestConditions { IfMatch = new ETag(etag) };
        }

        try
        {
            var result = (await BlobOf(source).DownloadStreamingAsync(options, cancellationToken)).Value;
            await using var stream = result.Content;
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 416)
        {
            return [];
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            throw new EarthEngineException(EeStatusCode.FailedPrecondition, $"Source '{source.Uri}' was replaced while it was being imported; import it again.");
        }
    }

    /// <summary>The path GDAL reads for a tileset: its single source, or the filled-in VRT over all of them.</summary>
    public async Task<string> TilesetPathAsync(IReadOnlyList<SourceLocation> sources, string? vrtTemplate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var paths = new List<string>();
        foreach (var source in sources)
        {
            paths.Add((await OpenAsync(source, cancellationToken)).GdalPath);
        }

        if (vrtTemplate is null)
        {
            return paths[0];
        }

        PruneOldVrts();
        var vrt = SourceVrt.Write(vrtTemplate, paths, CacheDirectory());

        // A VRT in use is never old enough to be pruned (one over local copies keeps its name for as long as they do).
        File.SetLastWriteTimeUtc(vrt, DateTime.UtcNow);
        return vrt;
    }

    /// <summary>Fails if any source was replaced since its ETag was pinned (checked after its pixels were read).</summary>
    public async Task EnsureUnchangedAsync(IReadOnlyList<SourceLocation> sources, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        foreach (var source in sources.Where(s => s.ETag is not null))
        {
            await OpenAsync(source, cancellationToken);
        }
    }

    private BlobClient BlobOf(SourceLocation source) => source.IsBlob
        ? blobs.GetBlobContainerClient(source.Container!).GetBlobClient(source.Blob!)
        : throw new InvalidOperationException($"Source '{source.Uri}' is not in blob storage.");

    /// <summary>
    /// A read-only SAS URL of the blob. Its expiry is rounded to the hour so the URL (GDAL's cache key) stays the same
    /// across the activities of an import, and the ETag is in the query (storage ignores it) so a replaced blob is
    /// never served from GDAL's cache of the old one.
    /// </summary>
    private static Uri ReadUri(BlobClient blob, ETag etag)
    {
        var now = DateTimeOffset.UtcNow;
        var expiry = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(3);
        var sas = blob.GenerateSasUri("r", expiry);
        var version = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(etag.ToString())))[..16];
        return new Uri(sas.AbsoluteUri + "&eeversion=" + version);
    }

    private async Task<string> LocalCopyAsync(SourceLocation source, BlobClient blob, BlobProperties properties, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{source.Container}/{source.Blob}/{properties.ETag}")))[..32];
        var extension = Path.GetExtension(source.Blob!);
        var path = Path.Combine(CacheDirectory(), key + (extension.Length is > 0 and <= 6 ? extension : ".bin"));
        if (File.Exists(path))
        {
            // A hit counts as a use: the prune drops the least recently used copies, not the oldest downloads.
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            return path;
        }

        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await blob.DownloadToAsync(file, new BlobRequestConditions { IfMatch = properties.ETag }, cancellationToken);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        PruneCache(keep: path);
        return path;
    }

    /// <summary>
    /// VRTs are tiny but named by their content, which holds an hourly SAS: drop those not written for a day, looking
    /// at most once an hour.
    /// </summary>
    private void PruneOldVrts()
    {
        var now = DateTime.UtcNow.Ticks;
        var last = Interlocked.Read(ref _lastVrtPrune);
        if (now - last < TimeSpan.TicksPerHour || Interlocked.CompareExchange(ref _lastVrtPrune, now, last) != last)
        {
            return;
        }

        foreach (var file in new DirectoryInfo(CacheDirectory()).EnumerateFiles("*.vrt"))
        {
            if (file.LastWriteTimeUtc < DateTime.UtcNow.AddDays(-1))
            {
                try
                {
                    file.Delete();
                }
                catch (IOException)
                {
                    // In use or already gone: the next prune looks again.
                }
            }
        }
    }

    /// <summary>
    /// Keeps the local copies under <see cref="EarthEngineOptions.LocalCacheMaxBytes"/>, least recently used first out.
    /// On Linux a copy GDAL has open stays readable after its deletion; one deleted between a hit and GDAL's open is
    /// downloaded again by the next activity attempt.
    /// </summary>
    private void PruneCache(string keep)
    {
        // Only finished copies: not VRTs, downloads or copies still being written (".tmp", "dl-").
        var files = new DirectoryInfo(CacheDirectory()).GetFiles()
            .Where(f => f.Extension is not (".vrt" or ".tmp") && !f.Name.StartsWith("dl-", StringComparison.Ordinal))
            .OrderByDescending(f => f.LastWriteTimeUtc).ToList();
        long total = 0;
        foreach (var file in files)
        {
            total += file.Length;
            if (total > _options.LocalCacheMaxBytes && file.FullName != keep)
            {
                try
                {
                    file.Delete();
                }
                catch (IOException)
                {
                    // Already gone, or locked on a platform that locks open files: the next prune sees it again.
                }
            }
        }
    }

    private string CacheDirectory()
    {
        var directory = _options.LocalCacheDirectory ?? Path.Combine(Path.GetTempPath(), "eefunctions-sources");
        Directory.CreateDirectory(directory);
        return directory;
    }
}
