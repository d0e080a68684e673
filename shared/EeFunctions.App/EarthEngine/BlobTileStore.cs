using Azure;
using EeFunctions.Raster.Tiles;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace EeFunctions.App.EarthEngine;

/// <summary>The tile store in blob storage: one block blob per tile, named by its <see cref="TileAddress.Path"/>.</summary>
public sealed class BlobTileStore(BlobContainerClient container) : ITileStore
{
    public BlobContainerClient Container { get; } = container;

    public async Task WriteAsync(TileAddress address, ReadOnlyMemory<byte> tiff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        await Container.GetBlobClient(address.Path).UploadAsync(BinaryData.FromBytes(tiff.ToArray()), overwrite: true, cancellationToken);
    }

    public async Task<byte[]?> ReadAsync(TileAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        try
        {
            var result = await Container.GetBlobClient(address.Path).DownloadContentAsync(cancellationToken: cancellationToken);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Deletes every blob under <paramref name="prefix"/>; returns how many.</summary>
    public async Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        var deleted = 0;
        await foreach (var item in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken))
        {
            await Container.GetBlobClient(item.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
            deleted++;
        }

        return deleted;
    }
}
