using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.ImportApi;

/// <summary>
/// The images container: <c>{image id}/original</c>, <c>{image id}/thumbnails/{size}</c>, and while the import runs
/// <c>{image id}/working-copy</c>, the upright frame the thumbnails are made from.
/// </summary>
public sealed class ImportApiBlobs(BlobServiceClient blobs, IOptions<ImportApiOptions> options)
{
    public BlobContainerClient Container { get; } = blobs.GetBlobContainerClient(options.Value.ImagesContainer);

    public BlobClient Original(string imageId) => Container.GetBlobClient($"{imageId}/original");

    public BlobClient Thumbnail(string imageId, int size) => Container.GetBlobClient($"{imageId}/thumbnails/{size}");

    public BlobClient WorkingCopy(string imageId) => Container.GetBlobClient($"{imageId}/working-copy");

    /// <summary>Deletes every blob of an image; answers how many there were.</summary>
    public async Task<int> DeleteImageAsync(string imageId, CancellationToken cancellationToken)
    {
        var deleted = 0;
        await foreach (var blob in Container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, imageId + "/", cancellationToken))
        {
            if ((await Container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken)).Value)
            {
                deleted++;
            }
        }

        return deleted;
    }
}
