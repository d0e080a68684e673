using Azure.Storage.Blobs;
using EeFunctions.App.BlobDrop;
using Microsoft.Azure.WebJobs;
using Microsoft.DurableTask.Client;

namespace EeFunctions.SelfHost;

/// <summary>
/// The self-host's blob-drop entry points on the WebJobs SDK's own blob trigger (the scan, receipts and poison queue
/// the Functions host uses): each drop goes to the shared handler; a poison message becomes the drop's result file.
/// </summary>
#pragma warning disable CA1515 // WebJobs finds its functions on public types.
public sealed class BlobDropFunctions(BlobDropHandler handler, DurableTaskClient durable)
#pragma warning restore CA1515
{
    [FunctionName("EarthEngine_BlobDrop")]
    public Task DropAsync([BlobTrigger("%EarthEngine:DropContainer%/{name}")] BlobClient blob, string name, CancellationToken cancellationToken) =>
        handler.HandleBlobAsync(blob, name, durable, cancellationToken);

    [FunctionName("EarthEngine_BlobDropPoison")]
    public Task PoisonAsync([QueueTrigger("webjobs-blobtrigger-poison")] string message, CancellationToken cancellationToken) =>
        handler.HandlePoisonAsync(message, cancellationToken);
}
