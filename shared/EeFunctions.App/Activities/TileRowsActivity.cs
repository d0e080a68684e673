using Microsoft.DurableTask;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.Orchestrations;
using EeFunctions.Raster;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.App.Activities;

/// <summary>Writes the level-0 tiles of a batch of tile rows of one tileset (one unit of the Tile fan-out).</summary>
[DurableTask(Name)]
public sealed class TileRowsActivity(SourceResolver resolver, RasterTiler tiler, EeStorage storage, IHostApplicationLifetime lifetime) : TaskActivity<TileRowsInput, long>
{
    public const string Name = "EeImport_TileRows";

    public override async Task<long> RunAsync(TaskActivityContext context, TileRowsInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var plan = input.Plan;
        try
        {
            // A terminate's cleanup may have revoked this generation while the activity was queued: write nothing.
            if (await storage.Claims.IsRevokedAsync(input.Project, input.AssetKey, input.Generation, lifetime.ApplicationStopping))
            {
                return 0;
            }

            var path = await resolver.TilesetPathAsync(plan.Sources, plan.VrtTemplate, SourceAccess.Whole, lifetime.ApplicationStopping);
            var key = new TilesetKey(input.Project, input.AssetKey, input.Generation, plan.StoreId);
            var result = await tiler.TileRowsAsync(path, plan.Layout, key, storage.Tiles, input.FirstRow, input.RowCount, lifetime.ApplicationStopping);

            // Range reads see whatever the blob holds now: make sure it is still the version the import inspected.
            await resolver.EnsureUnchangedAsync(plan.Sources, lifetime.ApplicationStopping);
            return result.TilesWritten;
        }
        catch (EarthEngineException ex)
        {
            throw new ImportFailedException(ex.Code, ex.Message);
        }
        catch (Exception ex) when (ex is GdalException or RasterLimitExceededException)
        {
            throw new ImportFailedException(EeStatusCode.InvalidArgument, $"Source '{string.Join("', '", plan.Sources.Select(x => x.Uri))}' could not be read: {ex.Message}");
        }
    }
}

/// <summary>Builds a run of parent tiles of one pyramid level from their children (one unit of the Pyramid fan-out).</summary>
[DurableTask(Name)]
public sealed class BuildParentsActivity(RasterTiler tiler, EeStorage storage, IHostApplicationLifetime lifetime) : TaskActivity<BuildParentsInput, long>
{
    public const string Name = "EeImport_Pyramid";

    public override async Task<long> RunAsync(TaskActivityContext context, BuildParentsInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        if (await storage.Claims.IsRevokedAsync(input.Project, input.AssetKey, input.Generation, lifetime.ApplicationStopping))
        {
            return 0;
        }

        var layout = input.Plan.Layout;
        var key = new TilesetKey(input.Project, input.AssetKey, input.Generation, input.Plan.StoreId);
        var columns = layout.Columns(input.Level);
        long bytes = 0;
        for (var i = input.First; i < input.First + input.Count; i++)
        {
            bytes += await tiler.BuildParentAsync(layout, key, storage.Tiles, input.Level, i / columns, i % columns, lifetime.ApplicationStopping);
        }

        // A revoke that came while building: the cleanup (which revokes, then deletes) may have listed the generation
        // before these parents existed, so they are removed here.
        if (await storage.Claims.IsRevokedAsync(input.Project, input.AssetKey, input.Generation, lifetime.ApplicationStopping))
        {
            for (var i = input.First; i < input.First + input.Count; i++)
            {
                await storage.Tiles.Container.GetBlobClient(key.Tile(input.Level, i / columns, i % columns).Path).DeleteIfExistsAsync(cancellationToken: lifetime.ApplicationStopping);
            }

            return 0;
        }

        return bytes;
    }
}

/// <summary>Removes an import's staged downloads and, when given, one generation of its tiles.</summary>
[DurableTask(Name)]
public sealed class CleanupImportActivity(EeStorage storage, IHostApplicationLifetime lifetime) : TaskActivity<CleanupImportInput, int>
{
    public const string Name = "EeImport_Cleanup";

    public override Task<int> RunAsync(TaskActivityContext context, CleanupImportInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var leftovers = new ImportLeftoversInput(input.Project, input.AssetKey, input.TileGeneration, input.OperationId, TimeSpan.Zero);
        return CleanupImportLeftoversActivity.RemoveAsync(storage, leftovers, lifetime.ApplicationStopping);
    }
}
