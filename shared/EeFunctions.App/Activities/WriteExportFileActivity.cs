using Azure.Storage.Blobs;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.EarthEngine.Export;
using EeFunctions.App.Orchestrations;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.Raster;
using EeFunctions.Raster.Export;
using EeFunctions.Raster.Tiles;
using Microsoft.DurableTask;

namespace EeFunctions.App.Activities;

/// <summary>
/// Writes one file of a GeoTIFF export from its staged chunks (one unit of the Write fan-out): assembled on local
/// disk, then uploaded as one blob, so the object appears whole or not at all. Answers the file's URI, or null when
/// it was skipped (skipEmptyFiles and no unmasked pixel).
/// </summary>
[DurableTask(Name)]
public sealed class WriteExportFileActivity(EeStorage storage, BlobServiceClient blobs, IHostApplicationLifetime lifetime) : TaskActivity<WriteExportFileInput, string?>
{
    public const string Name = "EeExport_WriteFile";

    /// <summary>Staged chunks downloading while one is written.</summary>
    private const int StagedChunksAhead = 4;

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
                // Chunks are downloaded a few ahead of the one being written (each download is a round trip).
                var chunks = spec.Chunks().Where(c => c.File == input.File).ToList();
                var downloads = new Queue<(ExportChunk Chunk, Task<BinaryData> Bytes)>();
                var next = 0;
                while (next < chunks.Count || downloads.Count > 0)
                {
                    while (next < chunks.Count && downloads.Count < StagedChunksAhead)
                    {
                        var chunk = chunks[next++];
                        downloads.Enqueue((chunk, DownloadAsync(chunk, spec.OperationId, cancellationToken)));
                    }

                    var (current, bytes) = downloads.Dequeue();
                    var block = TileCodec.Decode((await bytes).ToMemory().Span, spec.DataType, spec.BandNames.Count, spec.BandNames.Count);
                    output.Write(current.X - file.X, current.Y - file.Y, block);
                }

                output.Finish();
            }


            var blob = blobs.GetBlobContainerClient(spec.Bucket).GetBlobClient(file.Name);
            await using (var stream = File.OpenRead(path))
            {
                var transfer = new Azure.Storage.StorageTransferOptions { MaximumConcurrency = 4, InitialTransferSize = 256L * 1024 * 1024, MaximumTransferSize = 8L * 1024 * 1024 };
                await blob.UploadAsync(stream, ExportOutputs.Options(spec.OperationId, "image/tiff", transfer), cancellationToken);
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

    private async Task<BinaryData> DownloadAsync(ExportChunk chunk, string operationId, CancellationToken cancellationToken) =>
        (await storage.Staging.Container.GetBlobClient(chunk.StagingName(operationId)).DownloadContentAsync(cancellationToken)).Value.Content;
}
