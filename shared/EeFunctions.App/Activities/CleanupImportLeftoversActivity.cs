using Microsoft.DurableTask;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.Orchestrations;

namespace EeFunctions.App.Activities;

/// <summary>
/// One sweep of <see cref="ImportLeftoversOrchestrator"/>: the import's staging blobs, and a tile generation that is
/// no longer (or, for a terminated import, never will be) the asset's.
/// </summary>
[DurableTask(Name)]
public sealed class CleanupImportLeftoversActivity(EeStorage storage, IHostApplicationLifetime lifetime) : TaskActivity<ImportLeftoversInput, int>
{
    public const string Name = "EeImport_CleanupLeftovers";

    public override Task<int> RunAsync(TaskActivityContext context, ImportLeftoversInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return RemoveAsync(storage, input, lifetime.ApplicationStopping);
    }

    /// <summary>Removes the staging blobs and, when it may go, the tile generation; returns how many blobs went.</summary>
    internal static async Task<int> RemoveAsync(EeStorage storage, ImportLeftoversInput input, CancellationToken ct)
    {
        await storage.EnsureContainersAsync(ct);
        var deleted = input.OperationId is null ? 0 : await storage.Staging.DeletePrefixAsync(input.OperationId + "/", ct);
        if (input.TileGeneration is { } generation && await MayDeleteAsync(storage, input, generation, ct))
        {
            deleted += await storage.Tiles.DeletePrefixAsync(EeStorage.GenerationPrefix(input.Project, input.AssetKey, generation), ct);
        }

        return deleted;
    }

    /// <summary>
    /// A terminated import's generation goes only if the revoke wins its claim (a queued Register then fails instead of
    /// pointing the asset at it); any other generation goes when the asset does not point at it (a Register whose reply
    /// was lost may have flipped to it).
    /// </summary>
    private static async Task<bool> MayDeleteAsync(EeStorage storage, ImportLeftoversInput input, long generation, CancellationToken ct)
    {
        if (input.Revoke)
        {
            return await storage.Claims.TryRevokeAsync(input.Project, input.AssetKey, generation, ct);
        }

        var current = await storage.Catalog.GetAsync(input.Project, input.AssetKey.Replace(':', '/'), ct);
        return current?.Image?.Generation != generation;
    }
}
