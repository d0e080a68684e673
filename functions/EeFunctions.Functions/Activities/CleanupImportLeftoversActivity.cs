using EeFunctions.Durable;
using EeFunctions.Functions.EarthEngine;
using EeFunctions.Functions.Orchestrations;

namespace EeFunctions.Functions.Activities;

/// <summary>
/// One sweep of <see cref="ImportLeftoversOrchestrator"/>: the import's staging blobs, and a tile generation unless the
/// catalogue points at it (a terminate that came after Register flipped the asset: those tiles are the asset's now).
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
        var deleted = await storage.Staging.DeletePrefixAsync(input.OperationId + "/", ct);
        if (input.TileGeneration is { } generation)
        {
            var current = await storage.Catalog.GetAsync(input.Project, input.AssetKey.Replace(':', '/'), ct);
            if (current?.Image?.Generation != generation)
            {
                deleted += await storage.Tiles.DeletePrefixAsync(EeStorage.GenerationPrefix(input.Project, input.AssetKey, generation), ct);
            }
        }

        return deleted;
    }
}
