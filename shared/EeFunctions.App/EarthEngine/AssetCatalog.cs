using System.Text.Json;
using Azure;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.EarthEngine.Json;
using EeFunctions.EarthEngine.Models;
using EeFunctions.EarthEngine.Names;
using EeFunctions.Raster.Tiles;
using Azure.Data.Tables;

namespace EeFunctions.App.EarthEngine;

/// <summary>One stored tileset of an image: its layout (grid, bands, type), the CRS as callers see it, and for an external image where its pixels are.</summary>
public sealed record StoredTileset(string Id, TilesetLayout Layout, string? CrsCode, ExternalPixels? External = null);

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

    /// <summary>The generation this one replaced, so a retried registration still reports it (its tiles must be retired).</summary>
    public long? ReplacedGeneration { get; set; }

    public string Asset { get; set; } = string.Empty;

    public string? Image { get; set; }
}

/// <summary>One page of an asset's direct children: the assets and, when more follow, the row key to resume after.</summary>
public sealed record AssetChildrenPage(IReadOnlyList<EarthEngineAsset> Assets, string? ResumeAfter);

/// <summary>
/// The asset catalogue in a table. Every change is a conditional create or an ETag compare-and-swap, so an image
/// row flips from one generation to the next atomically: readers see the old or the new tiles, never a mix.
/// A row is created together with a touch of its parent folder's row (one entity-group transaction under the
/// parent's ETag), and a folder is deleted under the ETag it had when it was seen empty; so a folder delete and a
/// child insert cannot both succeed, and no asset outlives its folder.
/// </summary>
public sealed class AssetCatalog(TableClient table)
{
    /// <summary>The most entities the Table service returns in one page.</summary>
    private const int MaxTablePageSize = 1000;

    private const int MaxAttempts = 20;
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private static readonly string[] s_listColumns = ["RowKey", "Type", "Asset"];
    private int _created;

    public static string RowKeyOf(string path) => path.Replace('/', ':');

    /// <summary>Earth Engine's answer for an asset that is not there (or that the caller may not see).</summary>
    public static EarthEngineException NotFound(string name) =>
        new(EeStatusCode.NotFound, $"Asset '{name}' does not exist or doesn't allow this operation.");

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
        var entity = EntityOf(project, path, asset, image);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var parent = await EnsureFoldersAsync(project, path, cancellationToken);
            var existing = await table.GetEntityIfExistsAsync<AssetEntity>(project, RowKeyOf(path), cancellationToken: cancellationToken);
            if (!existing.HasValue)
            {
                if (await TryAddUnderAsync(parent, entity, cancellationToken) is not null)
                {
                    return null;
                }

                await BackOffAsync(cancellationToken);
                continue;
            }

            var current = existing.Value!;
            if (current.Generation == image.Generation && current.Type == "IMAGE")
            {
                // This registration already happened (an activity runs at least once): report what it replaced then.
                return current.ReplacedGeneration;
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
                entity.ReplacedGeneration = current.Generation;
                await table.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Replace, cancellationToken);
                return current.Generation;
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                // Someone else flipped or deleted the row first: read it again (a deleted row is created anew).
            }
        }

        throw new EarthEngineException(EeStatusCode.Aborted, $"Asset '{EeNames.AssetName(project, path)}' kept changing while it was registered; try again.");
    }

    /// <summary>
    /// Deletes an asset's row under the ETag it was read with and returns what was deleted (its tiles are the
    /// caller's to remove). A folder or collection only when it has no children: NOT_FOUND when missing,
    /// FAILED_PRECONDITION when not empty.
    /// </summary>
    public async Task<CatalogAsset> DeleteAsync(string project, string path, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var name = EeNames.AssetName(project, path);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var found = await GetAsync(project, path, cancellationToken) ?? throw NotFound(name);
            if (found.Asset.Type is AssetType.Folder or AssetType.ImageCollection && await HasChildrenAsync(project, path, cancellationToken))
            {
                throw new EarthEngineException(EeStatusCode.FailedPrecondition, $"Cannot delete asset '{name}': it is a {TypeName(found.Asset.Type)} that is not empty; delete its children first.");
            }

            try
            {
                await table.DeleteEntityAsync(project, RowKeyOf(path), found.ETag, cancellationToken);
                return found;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Changed since it was read: a child was added under the folder, or a new image generation was
                // registered. Look again, so the emptiness check and the generation to clean up are current.
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                throw NotFound(name);
            }
        }

        throw new EarthEngineException(EeStatusCode.Aborted, $"Asset '{name}' kept changing while it was deleted; try again.");
    }

    /// <summary>
    /// One page of the direct children of <paramref name="parentPath"/> (empty: the project root), in name order,
    /// starting after the row key <paramref name="after"/>. Deeper descendants share the key range of their
    /// ancestors; each child's subtree is jumped over with one new range query rather than read through.
    /// </summary>
    public async Task<AssetChildrenPage> ListChildrenAsync(string project, string parentPath, int pageSize, string? after, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        await EnsureTableAsync(cancellationToken);
        var prefix = ChildPrefix(parentPath);
        var children = new List<(string RowKey, EarthEngineAsset Asset)>();
        var from = after ?? prefix;
        var inclusive = after is null;
        while (children.Count <= pageSize)
        {
            string? skipTo = null;
            var rows = table.QueryAsync<AssetEntity>(RangeFilter(project, parentPath, from, inclusive), Math.Min(pageSize + 1 - children.Count, MaxTablePageSize), s_listColumns, cancellationToken);
            await foreach (var row in rows)
            {
                var rest = row.RowKey[prefix.Length..];
                var colon = rest.IndexOf(':', StringComparison.Ordinal);
                if (colon >= 0)
                {
                    // ';' is the character after ':', so "child;" is the first key past the child's subtree.
                    skipTo = prefix + rest[..colon] + ";";
                    break;
                }

                children.Add((row.RowKey, ToAsset(row).Asset));
                if (children.Count > pageSize)
                {
                    break;
                }
            }

            if (skipTo is null)
            {
                break;
            }

            from = skipTo;
            inclusive = true;
        }

        return children.Count > pageSize
            ? new AssetChildrenPage([.. children.Take(pageSize).Select(c => c.Asset)], children[pageSize - 1].RowKey)
            : new AssetChildrenPage([.. children.Select(c => c.Asset)], null);
    }

    /// <summary>Whether <paramref name="rowKey"/> is the key of a direct child of <paramref name="parentPath"/> (a page token must be one).</summary>
    public static bool IsChildKey(string parentPath, string rowKey)
    {
        var prefix = ChildPrefix(parentPath);
        return rowKey.Length > prefix.Length && rowKey.StartsWith(prefix, StringComparison.Ordinal) && rowKey.IndexOf(':', prefix.Length) < 0;
    }

    private async Task<bool> HasChildrenAsync(string project, string path, CancellationToken cancellationToken)
    {
        await foreach (var _ in table.QueryAsync<TableEntity>(RangeFilter(project, path, ChildPrefix(path), true), 1, ["RowKey"], cancellationToken))
        {
            return true;
        }

        return false;
    }

    private static string ChildPrefix(string parentPath) => parentPath.Length == 0 ? string.Empty : RowKeyOf(parentPath) + ":";

    /// <summary>Rows of the project from <paramref name="from"/> to the end of <paramref name="parentPath"/>'s subtree.</summary>
    private static string RangeFilter(string project, string parentPath, string from, bool inclusive)
    {
        var filter = inclusive
            ? TableClient.CreateQueryFilter($"PartitionKey eq {project} and RowKey ge {from}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {project} and RowKey gt {from}");
        return parentPath.Length == 0
            ? filter
            : filter + " and " + TableClient.CreateQueryFilter($"RowKey lt {RowKeyOf(parentPath) + ";"}");
    }

    /// <summary>
    /// Creates the missing folders above <paramref name="path"/>, each together with a touch of its own parent, and
    /// returns the direct parent's row key and current ETag (null: the project root, which has no row).
    /// </summary>
    private async Task<(string RowKey, ETag ETag)?> EnsureFoldersAsync(string project, string path, CancellationToken cancellationToken)
    {
        var segments = path.Split('/');
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            (string RowKey, ETag ETag)? parent = null;
            var complete = true;
            for (var i = 1; i < segments.Length && complete; i++)
            {
                var folder = string.Join('/', segments[..i]);
                var existing = await table.GetEntityIfExistsAsync<AssetEntity>(project, RowKeyOf(folder), cancellationToken: cancellationToken);
                if (existing.HasValue)
                {
                    if (existing.Value!.Type != "FOLDER" && existing.Value.Type != "IMAGE_COLLECTION")
                    {
                        throw new EarthEngineException(EeStatusCode.FailedPrecondition, $"Cannot create '{EeNames.AssetName(project, path)}': its parent '{EeNames.AssetName(project, folder)}' is a {existing.Value.Type}, not a folder.");
                    }

                    parent = (existing.Value.RowKey, existing.Value.ETag);
                    continue;
                }

                var asset = new EarthEngineAsset { Type = AssetType.Folder, Name = EeNames.AssetName(project, folder), Id = EeNames.AssetName(project, folder), UpdateTime = DateTimeOffset.UtcNow };
                var etag = await TryAddUnderAsync(parent, EntityOf(project, folder, asset, null), cancellationToken);
                parent = etag is { } created ? (RowKeyOf(folder), created) : null;
                complete = etag is not null;
            }

            if (complete)
            {
                return parent;
            }

            // Lost a race: the folder appeared meanwhile, or its parent changed or went away. Start over from the top.
            await BackOffAsync(cancellationToken);
        }

        throw new EarthEngineException(EeStatusCode.Aborted, $"The folders above '{EeNames.AssetName(project, path)}' kept changing; try again.");
    }

    /// <summary>
    /// Inserts <paramref name="row"/> and, in the same transaction, touches its parent's row under the parent's ETag
    /// (an empty merge: only the ETag moves), so a concurrent delete of the parent made under its older ETag fails.
    /// Returns the new row's ETag, or null when the row already exists or the parent changed or is gone.
    /// </summary>
    private async Task<ETag?> TryAddUnderAsync((string RowKey, ETag ETag)? parent, AssetEntity row, CancellationToken cancellationToken)
    {
        try
        {
            if (parent is not { } p)
            {
                var added = await table.AddEntityAsync(row, cancellationToken);
                return added.Headers.ETag ?? throw new InvalidOperationException("The insert answered without an ETag.");
            }

            var results = await table.SubmitTransactionAsync(
                [new(TableTransactionActionType.UpdateMerge, new TableEntity(row.PartitionKey, p.RowKey), p.ETag), new(TableTransactionActionType.Add, row)],
                cancellationToken);
            return results.Value[1].Headers.ETag ?? throw new InvalidOperationException("The transaction answered without the new row's ETag.");
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return null;
        }
    }

    private static Task BackOffAsync(CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 50)), cancellationToken);

    private static string TypeName(AssetType? type) => type is AssetType.ImageCollection ? "IMAGE_COLLECTION" : type is AssetType.Folder ? "FOLDER" : "IMAGE";

    /// <summary>The row of an asset exactly as the catalogue writes it (tests seed rows in bulk with it).</summary>
    internal static AssetEntity EntityOf(string project, string path, EarthEngineAsset asset, StoredImage? image) => new()
    {
        PartitionKey = project,
        RowKey = RowKeyOf(path),
        Type = TypeName(asset.Type),
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
