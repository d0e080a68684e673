using Azure.Storage.Blobs;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.Hosting;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.BlobDrop;

/// <summary>Creates the drop container and its results container when they are missing.</summary>
public sealed class DropContainerSetup(BlobServiceClient blobs, IOptions<EarthEngineOptions> options, ILogger<DropContainerSetup> logger) : StorageSetupService(logger)
{
    protected override string What => "Blob-drop containers";

    public override async Task EnsureAsync(CancellationToken cancellationToken)
    {
        await blobs.GetBlobContainerClient(options.Value.DropContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await blobs.GetBlobContainerClient(options.Value.DropResultsContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }
}
