using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.ImportApi;

/// <summary>An API client of the Import API: its tokens carry its id as <c>iss</c> and are signed with its secret.</summary>
public sealed record ApiClient(string Id, string Secret, string OrganizationId, DateTimeOffset CreatedAt);

/// <summary>
/// The API clients table (<see cref="ImportApiOptions.ClientsTable"/>): one row per client. Every request names its
/// client, so a client read is kept for <see cref="CacheFor"/>: a deleted client's tokens stop working within it.
/// </summary>
public sealed class ApiClientStore(TableServiceClient tables, IOptions<ImportApiOptions> options, TimeProvider? time = null)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);
    private const string Partition = "client";
    private readonly TableClient _table = tables.GetTableClient(options.Value.ClientsTable);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ApiClient Client, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public async Task<ApiClient?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!ImportKeys.IsSafeKey(id))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(id, out var cached) && cached.Until > now)
        {
            return cached.Client;
        }

        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            _cache.TryRemove(id, out _);
            return null;
        }

        var client = FromRow(row.Value!);
        _cache[id] = (client, now + CacheFor);
        return client;
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
            _cache.TryRemove(id, out _);
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
