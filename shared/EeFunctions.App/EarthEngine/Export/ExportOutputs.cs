using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace EeFunctions.App.EarthEngine.Export;

/// <summary>
/// The objects an export writes carry its operation id, so a cancelled or failed export removes what it wrote and
/// never an earlier export's file of the same name.
/// </summary>
public static class ExportOutputs
{
    private const string OperationKey = "eeoperation";

    /// <summary>Upload options for an export's object: its content type and the operation that wrote it.</summary>
    public static BlobUploadOptions Options(string operationId, string contentType, StorageTransferOptions? transfer = null) => new()
    {
        HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
        Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [OperationKey] = operationId },
        TransferOptions = transfer ?? default,
    };

    /// <summary>Deletes the blob if this operation wrote it (compare-and-delete on its ETag); true when it went.</summary>
    public static async Task<bool> DeleteIfWrittenByAsync(BlobClient blob, string operationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            if (!properties.Metadata.TryGetValue(OperationKey, out var writer) || writer != operationId)
            {
                return false;
            }

            await blob.DeleteAsync(conditions: new BlobRequestConditions { IfMatch = properties.ETag }, cancellationToken: cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Gone already, or replaced by a later writer since: not ours to delete.
            return false;
        }
    }
}
