using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;

namespace EeFunctions.App.EarthEngine;

/// <summary>The claim row of one tile generation: who got to it first, Register or a terminate's cleanup.</summary>
public sealed class GenerationClaimEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary><c>registered</c> or <c>revoked</c>.</summary>
    public string Outcome { get; set; } = string.Empty;
}

/// <summary>
/// Fences a tile generation between the import that writes it and the cleanup of a Durable API terminate, whose
/// activities may still be queued when the cleanup runs. Both sides create the same row conditionally (insert fails
/// when it exists), so exactly one wins: a revoked generation is never registered (and its late tile writes are
/// skipped), and a registered one is never deleted by the terminate's cleanup. The rows live in the asset table under
/// a partition of their own (<c>~claims:{project}</c>), out of the way of asset listings.
/// </summary>
public sealed class GenerationClaims(TableClient table)
{
    private const string Registered = "registered";
    private const string Revoked = "revoked";
    private int _created;

    /// <summary>Claims the generation for Register; false when a terminate's cleanup revoked it first.</summary>
    public Task<bool> TryRegisterAsync(string project, string assetKey, long generation, CancellationToken cancellationToken) =>
        ClaimAsync(project, assetKey, generation, Registered, cancellationToken);

    /// <summary>Claims the generation for deletion; false when Register claimed it first (the tiles are the asset's).</summary>
    public Task<bool> TryRevokeAsync(string project, string assetKey, long generation, CancellationToken cancellationToken) =>
        ClaimAsync(project, assetKey, generation, Revoked, cancellationToken);

    /// <summary>Whether the generation has been revoked (tile writers stop).</summary>
    public async Task<bool> IsRevokedAsync(string project, string assetKey, long generation, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var row = await table.GetEntityIfExistsAsync<GenerationClaimEntity>(PartitionOf(project), RowKeyOf(assetKey, generation), cancellationToken: cancellationToken);
        return row.HasValue && row.Value!.Outcome == Revoked;
    }

    private async Task<bool> ClaimAsync(string project, string assetKey, long generation, string outcome, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var claim = new GenerationClaimEntity { PartitionKey = PartitionOf(project), RowKey = RowKeyOf(assetKey, generation), Outcome = outcome };
        try
        {
            await table.AddEntityAsync(claim, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409 && ex.ErrorCode == TableErrorCode.EntityAlreadyExists)
        {
        }

        // The row exists: this side wins only if it was its own earlier claim (an activity runs at least once).
        var existing = await table.GetEntityIfExistsAsync<GenerationClaimEntity>(claim.PartitionKey, claim.RowKey, cancellationToken: cancellationToken);
        return existing.HasValue && existing.Value!.Outcome == outcome;
    }

    private static string PartitionOf(string project) => "~claims:" + project;

    private static string RowKeyOf(string assetKey, long generation) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{assetKey}:{generation}");

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            Volatile.Write(ref _created, 1);
        }
    }
}
