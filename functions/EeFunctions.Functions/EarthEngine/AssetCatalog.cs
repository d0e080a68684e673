using System.Text.Json;
using Azure;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Models;
using EeFunctions.EarthEngine.Names;
using EeFunctions.Raster.Tiles;
using EeFunctions.Storage.Tables;

namespace EeFunctions.Functions.EarthEngine;

/// <summary>One stored tileset of an image: its layout (grid, bands, type) and the CRS as callers see it.</summary>
public sealed record StoredTileset(string Id, TilesetLayout Layout, string? CrsCode);

/// <summary>One output band: which band of which stored tileset.</summary>
public sealed record StoredBand(string Id, string TilesetId, int Index);

/// <summary>What the catalogue knows of an image beyond its EE view: generation, tilesets, band mapping.</summary>
public sealed record StoredImage(long Generation, IReadOnlyList<StoredTileset> Tilesets, IReadOnlyList<StoredBand> Bands);

/// <summary>An asset as stored: the EE resource and, for images, the storage side.</summary>
public sealed record CatalogAsset(EarthEngineAsset Asset, StoredImage? Image, ETag ETag);

/// <summary>The asset row: partition = project, row = the asset path with '/' as ':'.</summary>
public sealed class AssetEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Type { get; set; } = string.Empty;

    public long Generation { get; set; }

    public string Asset { get; set; } = string.Empty;

    public string? Image { get; set; }
}

/// <summary>
/// The asset catalogue in a table. Every change is a conditional create or an ETag compare-and-swap, so an image
/// row flips from one generation to the next atomically: readers see the old or the new tiles, never a mix.
/// </summary>
public sealed class AssetCatalog(TableClient table)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private int _created;

    public static string RowKeyOf(string path) => path.Replace('/', ':');

    public async Task<CatalogAsset?> GetAsync(string project, string path, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<AssetEntity>(project, RowKeyOf(path), cancellationToken: cancellationToken);
        return response.HasValue ? ToAsset(response.Value!) : null;
    }

    /// <summary>
    /// Creates or (with <paramref name="overwrite"/>) replaces an image; returns the replaced generation, if any.
    /// Idempotent for the same generation (activities run at least once).
    /// </summary>
    public async Task<long?> RegisterImageAsync(string project, string path, EarthEngineAsset asset, StoredImage image, bool overwrite, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        await CreateFoldersAsync(project, path, cancellationToken);
        var entity = ToEntity(project, path, asset, image);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<AssetEntity>(project, RowKeyOf(path), cancellationToken: cancellationToken);
            if (!existing.HasValue)
            {
                if (await table.TryAddEntityAsync(entity, cancellationToken))
                {
                    return null;
                }

                continue;
            }

            var current = existing.Value!;
            if (current.Generation == image.Generation && current.Type == "IMAGE")
            {
                return null;
            }

            if (!overwrite)
            {
                throw new EarthEngineException(EeStatusCode.AlreadyExists, $"Cannot overwrite asset '{EeNames.AssetName(project, path)}': it already exists (set overwrite to true to replace it).");
            }

            if (current.Type != "IMAGE")
            {
                throw new EarthEngineException(EeStatusCode.FailedPrecondition, $"Cannot overwrite asset '{EeNames.AssetName(project, path)}': it is a {current.Type}, not an IMAGE.");
            }

            try
            {
                await table.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Replace, cancellationToken);
                return current.Generation;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Someone else flipped the row first: read it again.
            }
        }

        throw new EarthEngineException(EeStatusCode.Aborted, $"Asset '{EeNames.AssetName(project, path)}' kept changing while it was registered; try again.");
    }

    private async Task CreateFoldersAsync(string project, string path, CancellationToken cancellationToken)
    {
        var segments = path.Split('/');
        for (var i = 1; i < segments.Length; i++)
        {
            var folder = string.Join('/', segments[..i]);
            var existing = await table.GetEntityIfExistsAsync<AssetEntity>(project, RowKeyOf(folder), cancellationToken: cancellationToken);
            if (existing.HasValue)
            {
                if (existing.Value!.Type != "FOLDER" && existing.Value.Type != "IMAGE_COLLECTION")
                {
                    throw new EarthEngineException(EeStatusCode.FailedPrecondition, $"Cannot create '{EeNames.AssetName(project, path)}': its parent '{EeNames.AssetName(project, folder)}' is a {existing.Value.Type}, not a folder.");
                }

                continue;
            }

            var asset = new EarthEngineAsset { Type = AssetType.Folder, Name = EeNames.AssetName(project, folder), Id = EeNames.AssetName(project, folder), UpdateTime = DateTimeOffset.UtcNow };
            await table.TryAddEntityAsync(ToEntity(project, folder, asset, null), cancellationToken);
        }
    }

    private static AssetEntity ToEntity(string project, string path, EarthEngineAsset asset, StoredImage? image) => new()
    {
        PartitionKey = project,
        RowKey = RowKeyOf(path),
        Type = asset.Type is AssetType.Folder ? "FOLDER" : asset.Type is AssetType.ImageCollection ? "IMAGE_COLLECTION" : "IMAGE",
        Generation = image?.Generation ?? 0,
        Asset = EeJson.Serialize(asset),
        Image = image is null ? null : JsonSerializer.Serialize(image, s_json),
    };

    private static CatalogAsset ToAsset(AssetEntity entity) => new(
        EeJson.Deserialize<EarthEngineAsset>(System.Text.Encoding.UTF8.GetBytes(entity.Asset)),
        entity.Image is null ? null : JsonSerializer.Deserialize<StoredImage>(entity.Image, s_json),
        entity.ETag);

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _created, 1);
        }
    }
}
