using Azure.Storage.Blobs;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.EarthEngine;

/// <summary>The Earth Engine API's storage: the asset catalogue, the tile store and the staging container.</summary>
public sealed class EeStorage
{
    private readonly BlobContainerClient _tiles;
    private readonly BlobContainerClient _staging;
    private int _containersCreated;

    public EeStorage(BlobServiceClient blobs, TableServiceClient tables, IOptions<EarthEngineOptions> options)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        _tiles = blobs.GetBlobContainerClient(options.Value.TilesContainer);
        _staging = blobs.GetBlobContainerClient(options.Value.StagingContainer);
        Tiles = new BlobTileStore(_tiles);
        Staging = new BlobTileStore(_staging);
        Catalog = new AssetCatalog(tables.GetTableClient(options.Value.AssetsTable));
        Claims = new GenerationClaims(tables.GetTableClient(options.Value.AssetsTable));
    }

    public AssetCatalog Catalog { get; }

    /// <summary>Who owns a tile generation: the import's Register or a terminate's cleanup.</summary>
    public GenerationClaims Claims { get; }

    public BlobTileStore Tiles { get; }

    /// <summary>The staging container (its prefix deletion is all that is used).</summary>
    public BlobTileStore Staging { get; }

    /// <summary>The tile-path segment of an asset path ('/' is not allowed in a segment).</summary>
    public static string AssetKey(string path) => path.Replace('/', ':');

    /// <summary>The blob prefix of one generation of an asset's tiles.</summary>
    public static string GenerationPrefix(string project, string assetKey, long generation) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"tiles/{project}/{assetKey}/{generation}/");

    public async Task EnsureContainersAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _containersCreated) == 0)
        {
            await _tiles.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await _staging.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            Volatile.Write(ref _containersCreated, 1);
        }
    }
}
