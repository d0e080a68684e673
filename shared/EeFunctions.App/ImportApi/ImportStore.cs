using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.ImportApi;

/// <summary>The Imports table: one row per import, created conditionally and changed only under its ETag.</summary>
public sealed class ImportStore(TableServiceClient tables, IOptions<ImportApiOptions> options, TimeProvider time)
{
    private const string Row = "import";
    private readonly TableClient _table = tables.GetTableClient(options.Value.ImportsTable);

    /// <summary>Inserts <paramref name="record"/> unless its id exists; answers the row that is there and whether it is this one.</summary>
    public async Task<(ImportRecord Record, bool Created)> CreateAsync(ImportRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            await _table.AddEntityAsync(ToRow(record), cancellationToken);
            return (record, true);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return (await GetAsync(record.Id, cancellationToken) ?? throw new InvalidOperationException($"Import {record.Id} exists and cannot be read."), false);
        }
    }

    public async Task<ImportRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out _))
        {
            return null;
        }

        var row = await _table.GetEntityIfExistsAsync<TableEntity>(id, Row, cancellationToken: cancellationToken);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    /// <summary>
    /// Applies <paramref name="change"/> under the row's ETag, re-reading on a conflict; a change that answers null
    /// leaves the row as it is. Answers the row as it ends.
    /// </summary>
    public async Task<ImportRecord> UpdateAsync(string id, Func<ImportRecord, ImportRecord?> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        while (true)
        {
            var row = (await _table.GetEntityAsync<TableEntity>(id, Row, cancellationToken: cancellationToken)).Value;
            var current = FromRow(row);
            var next = change(current);
            if (next is null)
            {
                return current;
            }

            next = next with { UpdatedAt = time.GetUtcNow() };
            try
            {
                await _table.UpdateEntityAsync(ToRow(next), row.ETag, TableUpdateMode.Replace, cancellationToken);
                return next;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Someone else changed it first: read it again and re-apply.
            }
        }
    }

    private static TableEntity ToRow(ImportRecord r) => new(r.Id, Row)
    {
        ["ClientId"] = r.ClientId,
        ["OrganizationId"] = r.OrganizationId,
        ["AlbumId"] = r.AlbumId,
        ["Url"] = r.Url,
        ["Filename"] = r.Filename,
        ["Params"] = r.Params.ToJsonString(),
        ["Metadata"] = r.MetadataJson,
        ["SealedHeaders"] = r.SealedHeaders,
        ["ImageId"] = r.ImageId,
        ["ImportType"] = r.ImportType,
        ["Status"] = r.Status,
        ["Error"] = r.Error,
        ["CreatedAt"] = r.CreatedAt,
        ["UpdatedAt"] = r.UpdatedAt,
    };

    private static ImportRecord FromRow(TableEntity row) => new()
    {
        Id = row.PartitionKey,
        ClientId = row.GetString("ClientId") ?? string.Empty,
        OrganizationId = row.GetString("OrganizationId") ?? string.Empty,
        AlbumId = row.GetString("AlbumId") ?? string.Empty,
        Url = row.GetString("Url") ?? string.Empty,
        Filename = row.GetString("Filename") ?? string.Empty,
        Params = JsonNode.Parse(row.GetString("Params") ?? "{}") as JsonObject ?? [],
        MetadataJson = row.GetString("Metadata") ?? "{}",
        SealedHeaders = row.GetString("SealedHeaders"),
        ImageId = row.GetString("ImageId"),
        ImportType = row.GetString("ImportType"),
        Status = row.GetString("Status") ?? ImportStatus.Pending,
        Error = row.GetString("Error"),
        CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        UpdatedAt = row.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue,
    };
}
