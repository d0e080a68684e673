using System.Text.Json;
using Azure.Storage.Blobs;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.EarthEngine.Compute;
using EeFunctions.App.EarthEngine.Export;
using EeFunctions.App.Orchestrations;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.Raster;
using EeFunctions.Raster.Export;
using EeFunctions.Raster.Reading;
using EeFunctions.Raster.Tiles;
using Microsoft.DurableTask;

namespace EeFunctions.App.Activities;

/// <summary>
/// Computes one chunk of an export (one unit of the Compute fan-out): the expression evaluated again, its bands
/// computed on the chunk's window, cast and filled, then staged for the file writer (or, for an asset, written as
/// level-0 tiles). Answers whether the chunk has any unmasked pixel.
/// </summary>
[DurableTask(Name)]
public sealed class ExportChunkActivity(EeStorage storage, RasterReader reader, RasterTiler tiler, SourceResolver resolver, IHostApplicationLifetime lifetime) : TaskActivity<ExportChunkInput, bool>
{
    public const string Name = "EeExport_Chunk";

    public override async Task<bool> RunAsync(TaskActivityContext context, ExportChunkInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var (spec, chunk) = (input.Spec, input.Chunk);
        var cancellationToken = lifetime.ApplicationStopping;
        try
        {
            // The caller's access was checked when the export was accepted.
            var assets = new CatalogImageAssets(storage, reader, resolver, _ => true);
            using var expression = JsonDocument.Parse(spec.Expression);
            var image = await ExpressionEvaluator.Parse(expression.RootElement, new ComputeContext(assets, cancellationToken)).EvaluateImageAsync();
            var grid = spec.Grid.Window(chunk.X, chunk.Y, chunk.Width, chunk.Height);
            var block = await ImageRenderer.RenderAsync(image, grid, spec.DataType, spec.NoData ?? 0, cancellationToken);
            if (spec.Plan is { } plan)
            {
                // An asset export writes the level-0 tiles of its new generation directly.
                var key = new TilesetKey(spec.Project, EeStorage.AssetKey(spec.Registration!.AssetPath), input.Generation, plan.StoreId);
                await tiler.WriteLevelZeroAsync(block, chunk.X, chunk.Y, plan.Layout, key, storage.Tiles, cancellationToken);
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

/// <summary>
/// Writes one file of a GeoTIFF export from its staged chunks (one unit of the Write fan-out): assembled on local
/// disk, then uploaded as one blob, so the object appears whole or not at all. Answers the file's URI, or null when
/// it was skipped (skipEmptyFiles and no unmasked pixel).
/// </summary>
[DurableTask(Name)]
public sealed class WriteExportFileActivity(EeStorage storage, BlobServiceClient blobs, IHostApplicationLifetime lifetime) : TaskActivity<WriteExportFileInput, string?>
{
    public const string Name = "EeExport_WriteFile";

    public override async Task<string?> RunAsync(TaskActivityContext context, WriteExportFileInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var spec = input.Spec;
        var file = spec.Files[input.File];
        if (spec.SkipEmptyFiles && !input.HasData)
        {
            return null;
        }

        var cancellationToken = lifetime.ApplicationStopping;
        var path = Path.Combine(Path.GetTempPath(), $"eeexport-{spec.OperationId}-{input.File}-{Guid.NewGuid():N}.tif");
        try
        {
            var grid = spec.Grid.Window(file.X, file.Y, file.Width, file.Height);
            using (var output = GeoTiffExportFile.Create(path, grid, spec.DataType, spec.BandNames, spec.NoData, spec.TileSize, spec.CloudOptimized))
            {
                foreach (var chunk in spec.Chunks().Where(c => c.File == input.File))
                {
                    var staged = await storage.Staging.Container.GetBlobClient(chunk.StagingName(spec.OperationId)).DownloadContentAsync(cancellationToken);
                    var block = TileCodec.Decode(staged.Value.Content.ToMemory().Span, spec.DataType, spec.BandNames.Count, spec.BandNames.Count);
                    output.Write(chunk.X - file.X, chunk.Y - file.Y, block);
                }

                output.Finish();
            }

            var blob = blobs.GetBlobContainerClient(spec.Bucket).GetBlobClient(file.Name);
            await using (var stream = File.OpenRead(path))
            {
                await blob.UploadAsync(stream, new Azure.Storage.Blobs.Models.BlobUploadOptions
                {
                    HttpHeaders = new Azure.Storage.Blobs.Models.BlobHttpHeaders { ContentType = "image/tiff" },
                    TransferOptions = new Azure.Storage.StorageTransferOptions { MaximumConcurrency = 4, InitialTransferSize = 256L * 1024 * 1024, MaximumTransferSize = 8L * 1024 * 1024 },
                }, cancellationToken);
            }

            return blob.Uri.ToString();
        }
        catch (GdalException ex)
        {
            throw new ImportFailedException(EeStatusCode.Internal, $"Writing '{file.Name}' failed: {ex.Message}");
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            throw new ImportFailedException(EeStatusCode.FailedPrecondition, $"Bucket '{spec.Bucket}' no longer exists.");
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>Removes an export's staging blobs and, unless it succeeded, the files it wrote (a cancel leaves no partial output).</summary>
[DurableTask(Name)]
public sealed class CleanupExportActivity(EeStorage storage, BlobServiceClient blobs, IHostApplicationLifetime lifetime) : TaskActivity<CleanupExportInput, int>
{
    public const string Name = "EeExport_Cleanup";

    public override async Task<int> RunAsync(TaskActivityContext context, CleanupExportInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var spec = input.Spec;
        var deleted = await storage.Staging.DeletePrefixAsync($"exports/{spec.OperationId}/", lifetime.ApplicationStopping);
        if (input.DeleteOutputs && spec.Bucket is not null)
        {
            var container = blobs.GetBlobContainerClient(spec.Bucket);
            foreach (var file in spec.Files)
            {
                try
                {
                    if (await container.GetBlobClient(file.Name).DeleteIfExistsAsync(cancellationToken: lifetime.ApplicationStopping))
                    {
                        deleted++;
                    }
                }
                catch (Azure.RequestFailedException ex) when (ex.Status == 404)
                {
                    // The bucket is gone: nothing of ours is left in it.
                }
            }
        }

        return deleted;
    }
}
