using System.IO.Compression;
using System.Text.Json;
using Azure.Storage.Blobs;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.EarthEngine.Export;
using Microsoft.DurableTask;

namespace EeFunctions.App.Activities;

/// <summary>
/// Writes a TFRecord export from its staged chunks: records in patch order into <c>prefix-00000.tfrecord</c>, …, a new
/// file before one would pass maxSizeBytes (uncompressed), each gzipped when asked and uploaded whole; then, when no
/// patch was dropped, the JSON mixer sidecar that places the patches. Answers the URIs written.
/// </summary>
[DurableTask(Name)]
public sealed class WriteTfRecordActivity(EeStorage storage, BlobServiceClient blobs, IHostApplicationLifetime lifetime) : TaskActivity<ExportSpec, IReadOnlyList<string>>
{
    public const string Name = "EeExport_WriteTfRecord";

    public override async Task<IReadOnlyList<string>> RunAsync(TaskActivityContext context, ExportSpec input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var layout = input.Records ?? throw new ArgumentException("Not a TFRecord export.", nameof(input));
        var cancellationToken = lifetime.ApplicationStopping;
        var container = blobs.GetBlobContainerClient(input.Bucket);
        var shard = TempFile();
        var shards = 0;
        long patches = 0;
        try
        {
            foreach (var chunk in input.Chunks())
            {
                var staged = (await storage.Staging.Container.GetBlobClient(chunk.StagingName(input.OperationId)).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
                for (var offset = 0; offset < staged.Length;)
                {
                    var length = TfRecordEncoding.RecordLength(staged, offset);
                    if (shard.Length > 0 && shard.Length + length > layout.MaxSizeBytes)
                    {
                        await UploadAsync(container, layout, input.OperationId, shards++, shard, cancellationToken);
                        shard.SetLength(0);
                    }

                    shard.Write(staged, offset, length);
                    offset += length;
                    patches++;
                }
            }

            if (shard.Length > 0 || shards == 0)
            {
                await UploadAsync(container, layout, input.OperationId, shards++, shard, cancellationToken);
            }
        }
        finally
        {
            await shard.DisposeAsync();
        }

        if (layout.MaxMaskedRatio >= 1)
        {
            var t = input.Grid.Transform;
            var mixer = new
            {
                projection = new
                {
                    crs = input.Grid.Crs,
                    affine = new { doubleMatrix = new[] { t[1], t[2], t[0], t[4], t[5], t[3] } },
                },
                patchDimensions = new[] { layout.PatchWidth, layout.PatchHeight },
                patchesPerRow = layout.PatchesPerRow,
                totalPatches = patches,
            };
            await container.GetBlobClient(layout.MixerName).UploadAsync(BinaryData.FromString(JsonSerializer.Serialize(mixer)), ExportOutputs.Options(input.OperationId, "application/json"), cancellationToken);
        }

        var written = Enumerable.Range(0, shards).Select(i => container.GetBlobClient(layout.ShardName(i)).Uri.ToString()).ToList();
        if (layout.MaxMaskedRatio >= 1)
        {
            written.Add(container.GetBlobClient(layout.MixerName).Uri.ToString());
        }

        return written;
    }

    /// <summary>A scratch file that deletes itself: a shard may be up to maxSizeBytes (1 GiB by default).</summary>
    private static FileStream TempFile() =>
        new(Path.Combine(Path.GetTempPath(), $"eeexport-{Guid.NewGuid():N}.tfrecord"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    private static async Task UploadAsync(BlobContainerClient container, TfRecordLayout layout, string operationId, int index, FileStream records, CancellationToken cancellationToken)
    {
        records.Position = 0;
        if (!layout.Compress)
        {
            await container.GetBlobClient(layout.ShardName(index)).UploadAsync(records, ExportOutputs.Options(operationId, "application/octet-stream"), cancellationToken);
            return;
        }

        await using var compressed = TempFile();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await records.CopyToAsync(gzip, cancellationToken);
        }

        compressed.Position = 0;
        await container.GetBlobClient(layout.ShardName(index)).UploadAsync(compressed, ExportOutputs.Options(operationId, "application/gzip"), cancellationToken);
    }
}
