using Azure.Storage.Blobs;
using EeFunctions.App.BlobDrop;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace EeFunctions.Functions;

/// <summary>
/// Blob drops under Azure Functions: an Event Grid blob trigger (the only kind Flex Consumption runs; its subscription
/// is infra/blobdrop-eventgrid.bicep) and the blob trigger's poison queue, both over the shared handler.
/// </summary>
public sealed class BlobDropFunctions(BlobDropHandler handler)
{
    [Function("EarthEngine_BlobDrop")]
    public Task Drop(
        [BlobTrigger("%EarthEngine:DropContainer%/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] BlobClient blob,
        string name,
        [DurableClient] DurableTaskClient client,
        FunctionContext function) =>
        handler.HandleBlobAsync(blob, name, client, function.CancellationToken);

    [Function("EarthEngine_BlobDropPoison")]
    public Task Poison([QueueTrigger("webjobs-blobtrigger-poison", Connection = "AzureWebJobsStorage")] string message, FunctionContext function) =>
        handler.HandlePoisonAsync(message, function.CancellationToken);
}
