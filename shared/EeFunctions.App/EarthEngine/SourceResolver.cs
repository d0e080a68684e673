using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.Raster.Gdal;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.EarthEngine;

/// <summary>Where a source's bytes are: a blob of the configured account (in place or staged), or an http(s) URL still to download.</summary>
/// <remarks><paramref name="ETag"/> is the version the import pinned when it first read the blob.</remarks>
public sealed record SourceLocation(string Uri, string? Container, string? Blob, string? ETag = null)
{
    public bool IsBlob => Container is not null && Blob is not null;
}

/// <summary>How much of a source the caller is about to read: that decides between range reads and a local copy.</summary>
public enum SourceAccess
{
    /// <summary>Some windows or headers (inspection, getPixels): read in place by range requests.</summary>
    Window,

    /// <summary>Every pixel (tiling an import): one parallel download is faster than GDAL's range reads of it all.</summary>
    Whole,
}

/// <summary>A blob source opened for GDAL: its pinned location, the path GDAL reads, and its size.</summary>
public sealed record SourceRead(SourceLocation Location, string GdalPath, long Length);

/// <summary>
/// Turns source URIs into blobs of the configured account — <c>gs://bucket/path</c> is container/blob, blob URLs of the
/// account are used as they are — downloads http(s) sources to the staging container through <see cref="SafeHttpDownloader"/>,
/// and gives GDAL a path to each blob: read in place by range requests, or a local copy when no SAS can be signed.
/// </summary>
public sealed class SourceResolver(BlobServiceClient blobs, BlobReadSas signer, SafeHttpDownloader downloader, IOptions<EarthEngineOptions> options)
{
    /// <summary>Ranges of a whole download, and how many at once: its memory is bounded by their product (32 MiB).</summary>
    private static readonly StorageTransferOptions s_wholeDownload = new()
    {
        InitialTransferSize = 8 * 1024 * 1024,
        MaximumTransferSize = 8 * 1024 * 1024,
        MaximumConcurrency = 4,
    };

    private readonly EarthEngineOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Lazy<Task>> _copying = new(StringComparer.Ordinal);
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

    /// <summary>Whether the container holds the service's own data (tiles, staging, the task hub's large messages and leases).</summary>
    public bool IsServiceContainer(string container) =>
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

    /// <summary>Opens a blob source for window reads (see <see cref="OpenAsync(SourceLocation, SourceAccess, CancellationToken)"/>).</summary>
    public Task<SourceRead> OpenAsync(SourceLocation source, CancellationToken cancellationToken) =>
        OpenAsync(source, SourceAccess.Window, cancellationToken);

    /// <summary>
    /// Where GDAL reads a blob source: a local copy (downloaded once per ETag) when it is read whole and is at most
    /// <see cref="EarthEngineOptions.WholeReadCopyMaxBytes"/>, else in place by HTTP range reads through a read-only
    /// SAS of that blob, else (no SAS can be signed) a local copy. The first call pins the blob's ETag in the returned
    /// location; later calls with it fail if the blob has been replaced since, so one import never mixes two versions
    /// of a source. A missing blob is INVALID_ARGUMENT naming it.
    /// </summary>
    public async Task<SourceRead> OpenAsync(SourceLocation source, SourceAccess access, CancellationToken cancellationToken)
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
        if (access == SourceAccess.Whole && properties.ContentLength <= _options.WholeReadCopyMaxBytes)
        {
            return new SourceRead(located, await LocalCopyAsync(located, blob, properties, cancellationToken), properties.ContentLength);
        }

        if (await signer.ReadUriAsync(blob, cancellationToken) is { } sas)
        {
            return new SourceRead(located, GdalRuntime.RemotePath(Versioned(sas, properties.ETag)), properties.ContentLength);
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
    public async Task<string> TilesetPathAsync(IReadOnlyList<SourceLocation> sources, string? vrtTemplate, SourceAccess access, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var paths = new List<string>();
        foreach (var source in sources)
        {
            paths.Add((await OpenAsync(source, access, cancellationToken)).GdalPath);
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
    /// The SAS URL with the blob's ETag in the query (storage ignores it), so a replaced blob is never served from
    /// GDAL's cache of the old one.
    /// </summary>
    private static Uri Versioned(Uri sas, ETag etag)
    {
        var version = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(etag.ToString())))[..16];
        return new Uri(sas.AbsoluteUri + "&eeversion=" + version);
    }

    /// <summary>
    /// The local copy of one blob version. Callers wanting the same copy at once share one download (the activities of
    /// one import run side by side); a failed or cancelled download is forgotten so the next caller tries again.
    /// </summary>
    private async Task<string> LocalCopyAsync(SourceLocation source, BlobClient blob, BlobProperties properties, CancellationToken cancellationToken)
    {
        var path = CopyPath(source, properties);
        while (true)
        {
            var download = _copying.GetOrAdd(path, p => new Lazy<Task>(() => DownloadCopyAsync(p, blob, properties, cancellationToken)));
            try
            {
                await download.Value.WaitAsync(cancellationToken);
                return path;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The caller whose token the shared download ran under gave up; this one still wants the copy.
            }
            finally
            {
                if (download.Value.IsCompleted)
                {
                    _copying.TryRemove(new KeyValuePair<string, Lazy<Task>>(path, download));
                }
            }
        }
    }

    private string CopyPath(SourceLocation source, BlobProperties properties)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{source.Container}/{source.Blob}/{properties.ETag}")))[..32];
        var extension = Path.GetExtension(source.Blob!);
        return Path.Combine(CacheDirectory(), key + (extension.Length is > 0 and <= 6 ? extension : ".bin"));
    }

    private async Task DownloadCopyAsync(string path, BlobClient blob, BlobProperties properties, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            // A hit counts as a use: the prune drops the least recently used copies, not the oldest downloads.
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            return;
        }

        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await blob.DownloadToAsync(file, new BlobDownloadToOptions { Conditions = new BlobRequestConditions { IfMatch = properties.ETag }, TransferOptions = s_wholeDownload }, cancellationToken);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        PruneCache(keep: path);
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
