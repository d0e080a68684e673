using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;

namespace EeFunctions.App.ImportApi;

/// <summary>
/// Stores one thumbnail size from the image's working copy: one branch of the import's fan-out. The working copy is
/// the largest thumbnail already encoded, so that size is its bytes as they are; a smaller one is scaled from it.
/// </summary>
[DurableTask(Name)]
public sealed class PhotoThumbnailActivity(PhotoCodec codec, ImportApiBlobs blobs, IHostApplicationLifetime lifetime) : TaskActivity<PhotoThumbnailInput, ThumbnailFacts>
{
    public const string Name = "ImportApi_Thumbnail";

    public override async Task<ThumbnailFacts> RunAsync(TaskActivityContext context, PhotoThumbnailInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cancellationToken = lifetime.ApplicationStopping;
        var working = input.WorkingCopy;
        EncodedThumbnail thumbnail;
        if (input.Size >= Math.Max(working.Width, working.Height))
        {
            var bytes = (await blobs.WorkingCopy(input.ImageId).DownloadContentAsync(cancellationToken)).Value.Content;
            thumbnail = new EncodedThumbnail(input.Size, working.ContentType, working.Width, working.Height, bytes);
        }
        else
        {
            using var download = (await blobs.WorkingCopy(input.ImageId).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
            thumbnail = await codec.ThumbnailAsync(download.Content, working, input.Size, cancellationToken);
        }

        var blob = blobs.Thumbnail(input.ImageId, input.Size);
        await blob.UploadAsync(thumbnail.Bytes, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = thumbnail.ContentType } }, cancellationToken);
        return new ThumbnailFacts(thumbnail.Size, blob.Name, thumbnail.ContentType, thumbnail.Width, thumbnail.Height, thumbnail.Bytes.ToMemory().Length);
    }
}
