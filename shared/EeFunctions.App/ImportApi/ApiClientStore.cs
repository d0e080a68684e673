using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.ImportApi;

/// <summary>An API client of the Import API: its tokens carry its id as <c>iss</c> and are signed with its secret.</summary>
public sealed record ApiClient(string Id, string Secret, string OrganizationId, DateTimeOffset CreatedAt);

/// <summary>The API clients table (<see cref="ImportApiOptions.ClientsTable"/>): one row per client.</summary>
public sealed class ApiClientStore(TableServiceClient tables, IOptions<ImportApiOptions> options)
{
    private const string Partition = "client";
    private readonly TableClient _table = tables.GetTableClient(options.Value.ClientsTable);

    public async Task<ApiClient?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!ImportKeys.IsSafeKey(id))
        {
            return null;
        }

        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    /// <summary>Creates a client with a fresh secret; null when <paramref name="id"/> is taken.</summary>
    public async Task<ApiClient?> CreateAsync(string? id, string? organizationId, CancellationToken cancellationToken)
    {
        var client = new ApiClient(
            id ?? Guid.NewGuid().ToString(),
            Base64Url(RandomNumberGenerator.GetBytes(32)),
            organizationId ?? Guid.NewGuid().ToString(),
            DateTimeOffset.UtcNow);
        if (!ImportKeys.IsSafeKey(client.Id))
        {
            throw new ArgumentException($"'{client.Id}' is not a valid client id (1-64 of A-Z, a-z, 0-9, '-', '_').", nameof(id));
        }

        try
        {
            await _table.AddEntityAsync(ToRow(client), cancellationToken);
            return client;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return null;
        }
    }

    /// <summary>The client <paramref name="id"/>, created when it is missing (whoever wins a race, both get the winner's row).</summary>
    public async Task<ApiClient> EnsureAsync(string id, CancellationToken cancellationToken) =>
        await CreateAsync(id, null, cancellationToken) ?? await GetAsync(id, cancellationToken)
        ?? throw new InvalidOperationException($"API client '{id}' was neither created nor found.");

    public async IAsyncEnumerable<ApiClient> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            yield return FromRow(row);
        }
    }

    /// <summary>Deletes a client (its tokens stop working at once); false when there was none.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(Partition, id, ETag.All, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    private static TableEntity ToRow(ApiClient client) => new(Partition, client.Id)
    {
        ["Secret"] = client.Secret,
        ["OrganizationId"] = client.OrganizationId,
        ["CreatedAt"] = client.CreatedAt,
    };

    private static ApiClient FromRow(TableEntity row) => new(
        row.RowKey,
        row.GetString("Secret") ?? string.Empty,
        row.GetString("OrganizationId") ?? string.Empty,
        row.GetDateTimeOffset("CreatedAt") ?? row.Timestamp ?? DateTimeOffset.MinValue);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
