using EeFunctions.Durable;
using EeFunctions.Functions.EarthEngine;
using EeFunctions.Functions.Orchestrations;

namespace EeFunctions.Functions.Activities;

/// <summary>
/// One sweep of <see cref="ImportLeftoversOrchestrator"/>: the import's staging blobs, and a tile generation that is
/// no longer (or, for a terminated import, never will be) the asset's.
/// </summary>
[DurableTask(Name)]
public sealed class CleanupImportLeftoversActivity(EeStorage storage) : TaskActivity<ImportLeftoversInput, int>
{
    public const string Name = "EeImport.CleanupLeftovers";

    public override async Task<int> RunAsync(TaskActivityContext context, ImportLeftoversInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var ct = context.CancellationToken;
        await storage.EnsureContainersAsync(ct);
        var deleted = input.OperationId is null ? 0 : await storage.Staging.DeletePrefixAsync(input.OperationId + "/", ct);
        if (input.TileGeneration is { } generation && await MayDeleteAsync(input, generation, ct))
        {
            deleted += await storage.Tiles.DeletePrefixAsync(EeStorage.GenerationPrefix(input.Project, input.AssetKey, generation), ct);
        }

        return deleted;
    }

    /// <summary>
    /// A terminated import's generation goes only if the revoke wins its claim (a queued Register then fails instead of
    /// pointing the asset at it); a replaced generation goes when the asset no longer points at it.
    /// </summary>
    private async Task<bool> MayDeleteAsync(ImportLeftoversInput input, long generation, CancellationToken ct)
    {
        if (input.Revoke)
        {
            return await storage.Claims.TryRevokeAsync(input.Project, input.AssetKey, generation, ct);
        }

        var current = await storage.Catalog.GetAsync(input.Project, input.AssetKey.Replace(':', '/'), ct);
        return current?.Image?.Generation != generation;
    }
}
