using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using EeFunctions.DurableTask;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.ImportApi;

/// <summary>
/// The Images table: a row per image (<c>{image id}</c>, <c>image</c>) and, for album listings, a copy in the album's
/// partition (<c>album|{organization id}|{album id}</c>: album ids are the caller's names, unique within an organization only) ordered newest first. Both are upserts of the same record, so a retried write is harmless.
/// </summary>
public sealed class ImageStore(TableServiceClient tables, IOptions<ImportApiOptions> options)
{
    private const string Row = "image";
    private readonly TableClient _table = tables.GetTableClient(options.Value.ImagesTable);

    public async Task PutAsync(ImageRecord image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        var json = JsonSerializer.Serialize(image, DurableJson.Options);
        await _table.UpsertEntityAsync(new TableEntity(image.Id, Row) { ["Json"] = json, ["AlbumId"] = image.AlbumId }, TableUpdateMode.Replace, cancellationToken);
        await _table.UpsertEntityAsync(new TableEntity(AlbumPartition(image.OrganizationId, image.AlbumId), AlbumRow(image)) { ["Json"] = json }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<ImageRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out _))
        {
            return null;
        }

        var row = await _table.GetEntityIfExistsAsync<TableEntity>(id, Row, cancellationToken: cancellationToken);
        return row.HasValue ? Read(row.Value!) : null;
    }

    /// <summary>One page of an album's images, newest first, and the token of the next page (null on the last).</summary>
    public async Task<(IReadOnlyList<ImageRecord> Images, string? Next)> ListAlbumAsync(string organizationId, string albumId, int pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        var partition = AlbumPartition(organizationId, albumId);
        var pages = _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, maxPerPage: pageSize, cancellationToken: cancellationToken).AsPages(pageToken, pageSize);
        await foreach (var page in pages)
        {
            return ([.. page.Values.Select(Read)], page.ContinuationToken);
        }

        return ([], null);
    }

    /// <summary>Removes both rows of an image (a failed import's partial registration).</summary>
    public async Task DeleteAsync(string imageId, string organizationId, string albumId, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await DeleteRowAsync(imageId, Row, cancellationToken);
        await DeleteRowAsync(AlbumPartition(organizationId, albumId), AlbumRow(imageId, createdAt), cancellationToken);
    }

    private async Task DeleteRowAsync(string partition, string row, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(partition, row, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Never written.
        }
    }

    private static ImageRecord Read(TableEntity row) =>
        JsonSerializer.Deserialize<ImageRecord>(row.GetString("Json") ?? "null", DurableJson.Options) ?? throw new InvalidOperationException($"Image row {row.PartitionKey}/{row.RowKey} is empty.");

    private static string AlbumPartition(string organizationId, string albumId) => "album|" + organizationId + "|" + albumId;

    private static string AlbumRow(ImageRecord image) => AlbumRow(image.Id, image.CreatedAt);

    // Newest first: rows sort by key, so the key counts down from the largest time.
    private static string AlbumRow(string imageId, DateTimeOffset createdAt) =>
        (DateTimeOffset.MaxValue.UtcTicks - createdAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + imageId;
}
