using Azure.Storage.Blobs;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.EarthEngine.Export;
using Microsoft.DurableTask;

namespace EeFunctions.App.Activities;

/// <summary>
/// Removes an export's staging blobs and, unless it succeeded, the files it wrote (a cancel leaves no partial output);
/// a file of the same name that another export wrote stays.
/// </summary>
[DurableTask(Name)]
public sealed class CleanupExportActivity(EeStorage storage, BlobServiceClient blobs, IHostApplicationLifetime lifetime) : TaskActivity<CleanupExportInput, int>
{
    public const string Name = "EeExport_Cleanup";

    public override async Task<int> RunAsync(TaskActivityContext context, CleanupExportInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var spec = input.Spec;
        var deleted = await storage.Staging.DeletePrefixAsync(spec.OperationId + "/", lifetime.ApplicationStopping);
        if (input.DeleteOutputs && spec.Records is { } records && spec.Bucket is not null)
        {
            deleted += await DeleteRecordsAsync(blobs.GetBlobContainerClient(spec.Bucket), records, spec.OperationId, lifetime.ApplicationStopping);
        }

        if (input.DeleteOutputs && spec.Bucket is not null)
        {
            var container = blobs.GetBlobContainerClient(spec.Bucket);
            foreach (var file in spec.Files)
            {
                if (await ExportOutputs.DeleteIfWrittenByAsync(container.GetBlobClient(file.Name), spec.OperationId, lifetime.ApplicationStopping))
                {
                    deleted++;
                }
            }
        }

        return deleted;
    }

    /// <summary>The shards and the mixer a TFRecord export may have written (their count is known only as they are written).</summary>
    private static async Task<int> DeleteRecordsAsync(BlobContainerClient container, TfRecordLayout records, string operationId, CancellationToken cancellationToken)
    {
        var deleted = 0;
        try
        {
            await foreach (var item in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, records.Prefix, cancellationToken))
            {
                var rest = item.Name[records.Prefix.Length..];
                if ((rest == "mixer.json" || System.Text.RegularExpressions.Regex.IsMatch(rest, @"^-\d{5}\.tfrecord(\.gz)?$"))
                    && await ExportOutputs.DeleteIfWrittenByAsync(container.GetBlobClient(item.Name), operationId, cancellationToken))
                {
                    deleted++;
                }
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // The bucket is gone: nothing of ours is left in it.
        }

        return deleted;
    }
}
