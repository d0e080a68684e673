using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using EeFunctions.App.Orchestrations;
using EeFunctions.EarthEngine.Errors;
using Microsoft.DurableTask;

namespace EeFunctions.App.Activities;

/// <summary>What an import's result file says: its operation and how it ended.</summary>
public sealed record WriteImportResultInput(string ResultBlob, string OperationName, ImportOutcome Outcome);

/// <summary>
/// Writes an import's outcome to its result blob (<c>{container}/{name}</c>), as a blob drop asks: the operation name,
/// its state and, when it did not succeed, the error.
/// </summary>
[DurableTask(Name)]
public sealed class WriteImportResultActivity(BlobServiceClient blobs, IHostApplicationLifetime lifetime) : TaskActivity<WriteImportResultInput, bool>
{
    public const string Name = "EeImport_WriteResult";

    public override async Task<bool> RunAsync(TaskActivityContext context, WriteImportResultInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var outcome = input.Outcome;
        var state = outcome.Succeeded ? "SUCCEEDED" : outcome.ErrorCode == (int)EeStatusCode.Cancelled ? "CANCELLED" : "FAILED";
        var result = new JsonObject
        {
            ["operation"] = input.OperationName,
            ["state"] = state,
            ["asset"] = outcome.AssetName,
            ["error"] = outcome.Succeeded ? null : new JsonObject
            {
                ["code"] = outcome.ErrorCode,
                ["status"] = ((EeStatusCode)outcome.ErrorCode).StatusName(),
                ["message"] = outcome.ErrorMessage,
            },
        };
        await ResultFiles.WriteAsync(blobs, input.ResultBlob, result, lifetime.ApplicationStopping);
        return true;
    }
}

/// <summary>Result files: JSON blobs at <c>{container}/{name}</c>, the container made when missing.</summary>
public static class ResultFiles
{
    public static async Task WriteAsync(BlobServiceClient blobs, string resultBlob, JsonObject result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(resultBlob);
        ArgumentNullException.ThrowIfNull(result);
        var slash = resultBlob.IndexOf('/', StringComparison.Ordinal);
        var container = blobs.GetBlobContainerClient(resultBlob[..slash]);
        var blob = container.GetBlobClient(resultBlob[(slash + 1)..]);
        var content = BinaryData.FromString(result.ToJsonString());
        var upload = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } };
        try
        {
            await blob.UploadAsync(content, upload, cancellationToken);
        }
        catch (Azure.RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await blob.UploadAsync(content, upload, cancellationToken);
        }
    }
}
