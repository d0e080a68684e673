using EeFunctions.Durable;
using EeFunctions.Functions.EarthEngine;
using EeFunctions.Functions.Orchestrations;

namespace EeFunctions.Functions.Activities;

/// <summary>
/// One sweep after a terminated import: its staging blobs, and its tile generation unless the catalogue already
/// points at it (the terminate came after Register flipped the asset, so those tiles are the asset's now).
/// </summary>
[DurableTask(Name)]
public sealed class CleanupTerminatedImportActivity(EeStorage storage) : TaskActivity<TerminatedImportInput, int>
{
    public const string Name = "EeImport.CleanupTerminated";

    public override async Task<int> RunAsync(TaskActivityContext context, TerminatedImportInput input)
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
