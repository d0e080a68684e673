using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;

namespace EeFunctions.App.ImportApi;

/// <summary>One thumbnail of the fan-out: the original decoded (first frame), made upright, scaled and stored.</summary>
[DurableTask(Name)]
public sealed class MakeThumbnailActivity(PhotoCodec codec, ImportApiBlobs blobs, IHostApplicationLifetime lifetime) : TaskActivity<ThumbnailInput, ThumbnailFacts>
{
    public const string Name = "ImportApi_Thumbnail";

    public override async Task<ThumbnailFacts> RunAsync(TaskActivityContext context, ThumbnailInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cancellationToken = lifetime.ApplicationStopping;
        await using var original = await blobs.Original(input.ImageId).OpenReadAsync(cancellationToken: cancellationToken);
        using var output = new MemoryStream();
        var (contentType, width, height) = await codec.ThumbnailAsync(original, input.Format, input.Size, output, cancellationToken);
        output.Position = 0;
        var blob = blobs.Thumbnail(input.ImageId, input.Size);
        await blob.UploadAsync(output, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken);
        return new ThumbnailFacts(input.Size, blob.Name, contentType, width, height, output.Length);
    }
}
