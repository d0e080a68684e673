using System.Text.Json;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.EarthEngine.Compute;
using EeFunctions.App.EarthEngine.Export;
using EeFunctions.App.Orchestrations;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.Raster;
using EeFunctions.Raster.Tiles;
using Microsoft.DurableTask;

namespace EeFunctions.App.Activities;

/// <summary>
/// Computes one chunk of an export (one unit of the Compute fan-out): the expression evaluated again, its bands
/// computed on the chunk's window, cast and filled, then staged for the file writer (or, for an asset, written as
/// level-0 tiles). Answers whether the chunk has any unmasked pixel.
/// </summary>
[DurableTask(Name)]
public sealed class ExportChunkActivity(EeStorage storage, CatalogImageAssetsFactory assetsFactory, RasterTiler tiler, IHostApplicationLifetime lifetime) : TaskActivity<ExportChunkInput, bool>
{
    public const string Name = "EeExport_Chunk";

    // Chunks are CPU-bound: more at once than cores only adds memory (each holds several planes of doubles).
    private static readonly SemaphoreSlim s_compute = new(Environment.ProcessorCount);

    private async Task DeleteTilesAsync(TilesetLayout layout, TilesetKey key, ExportChunk chunk, CancellationToken cancellationToken)
    {
        var t = layout.TileSize;
        for (var row = chunk.Y / t; row * t < chunk.Y + chunk.Height; row++)
        {
            for (var column = chunk.X / t; column * t < chunk.X + chunk.Width; column++)
            {
                await storage.Tiles.Container.GetBlobClient(key.Tile(0, row, column).Path).DeleteIfExistsAsync(cancellationToken: cancellationToken);
            }
        }
    }

    public override async Task<bool> RunAsync(TaskActivityContext context, ExportChunkInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var (spec, chunk) = (input.Spec, input.Chunk);
        var cancellationToken = lifetime.ApplicationStopping;
        try
        {
            // The caller's access was checked when the export was accepted.
            var assets = assetsFactory.For(_ => true);
            using var expression = JsonDocument.Parse(spec.Expression);
            var image = await ExpressionEvaluator.Parse(expression.RootElement, new ComputeContext(assets, cancellationToken)).EvaluateImageAsync();
            var grid = spec.Grid.Window(chunk.X, chunk.Y, chunk.Width, chunk.Height);
            await s_compute.WaitAsync(cancellationToken);
            PixelBlock block;
            try
            {
                if (spec.Records is { } records)
                {
                    var staged = await TfRecordPatches.EncodeAsync(image, grid, spec.DataType, records, chunk, cancellationToken);
                    await storage.Staging.Container.GetBlobClient(chunk.StagingName(spec.OperationId)).UploadAsync(BinaryData.FromBytes(staged.Records), overwrite: true, cancellationToken);
                    return staged.Patches > 0;
                }

                block = await ImageRenderer.RenderAsync(image, grid, spec.DataType, spec.NoData ?? 0, cancellationToken);
            }
            finally
            {
                s_compute.Release();
            }

            if (spec.Plan is { } plan)
            {
                // An asset export writes the level-0 tiles of its new generation directly, unless a terminate's cleanup
                // has revoked that generation meanwhile (checked as late as possible: it may have come while computing).
                var assetKey = EeStorage.AssetKey(spec.Registration!.AssetPath);
                if (await storage.Claims.IsRevokedAsync(spec.Project, assetKey, input.Generation, cancellationToken))
                {
                    return false;
                }

                var key = new TilesetKey(spec.Project, assetKey, input.Generation, plan.StoreId);
                await tiler.WriteLevelZeroAsync(block, chunk.X, chunk.Y, plan.Layout, key, storage.Tiles, cancellationToken);

                // A revoke that came while writing: the cleanup (which revokes, then deletes) may have listed the
                // generation before these tiles existed, so they are removed here.
                if (await storage.Claims.IsRevokedAsync(spec.Project, assetKey, input.Generation, cancellationToken))
                {
                    await DeleteTilesAsync(plan.Layout, key, chunk, cancellationToken);
                    return false;
                }

                return ImageRenderer.HasData(block);
            }

            var bytes = TileCodec.Encode(block, grid.Transform, null, TileCompression.None);
            await storage.Staging.Container.GetBlobClient(chunk.StagingName(spec.OperationId)).UploadAsync(BinaryData.FromBytes(bytes), overwrite: true, cancellationToken);
            return ImageRenderer.HasData(block);
        }
        catch (EarthEngineException ex)
        {
            throw new ImportFailedException(ex.Code, ex.Message);
        }
        catch (Exception ex) when (ex is GdalException or RasterLimitExceededException)
        {
            throw new ImportFailedException(EeStatusCode.InvalidArgument, $"Computing pixels {chunk.X},{chunk.Y} ({chunk.Width}x{chunk.Height}) failed: {ex.Message}");
        }
    }
}
