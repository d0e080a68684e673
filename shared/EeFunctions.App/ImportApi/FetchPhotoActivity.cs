using Azure.Storage.Blobs.Models;
using EeFunctions.EarthEngine.Errors;
using Microsoft.DurableTask;

namespace EeFunctions.App.ImportApi;

/// <summary>
/// Marks the import processing, downloads the photo, checks it is one, and stores the original as fetched and its
/// thumbnails (made from the downloaded file, so the photo is neither fetched back from storage nor decoded twice).
/// </summary>
[DurableTask(Name)]
public sealed class FetchPhotoActivity(ImportStore imports, PhotoDownloader downloader, PhotoCodec codec, ImportApiBlobs blobs, HeaderSealer sealer, IHostApplicationLifetime lifetime)
    : TaskActivity<FetchPhotoInput, FetchedPhoto>
{
    public const string Name = "ImportApi_Fetch";

    public override async Task<FetchedPhoto> RunAsync(TaskActivityContext context, FetchPhotoInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cancellationToken = lifetime.ApplicationStopping;
        await imports.UpdateAsync(input.ImportId, r => r.Status == ImportStatus.Pending ? r with { Status = ImportStatus.Processing, ImportType = "url" } : null, cancellationToken);
        var path = Path.Combine(Path.GetTempPath(), "photo-" + input.ImageId + "-" + Guid.NewGuid().ToString("N"));
        try
        {
            try
            {
                await downloader.DownloadAsync(new Uri(input.Url), path, sealer.Open(input.ImportId, input.SealedHeaders), cancellationToken);
            }
            catch (EarthEngineException ex)
            {
                // The guard speaks Earth Engine's errors; an import's error is its message.
                throw new PhotoRejectedException(ex.Message.Replace("Source '", "The url '", StringComparison.Ordinal));
            }

            var facts = await codec.IdentifyAsync(path, string.Empty, cancellationToken);
            var encoded = await codec.ThumbnailsAsync(path, facts.Format, input.ThumbnailSizes, cancellationToken);
            var original = blobs.Original(input.ImageId).UploadAsync(path, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = facts.ContentType } }, cancellationToken);
            var thumbnails = encoded.Select(async t =>
            {
                var blob = blobs.Thumbnail(input.ImageId, t.Size);
                await blob.UploadAsync(new BinaryData(t.Bytes), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = t.ContentType } }, cancellationToken);
                return new ThumbnailFacts(t.Size, blob.Name, t.ContentType, t.Width, t.Height, t.Bytes.Length);
            }).ToList();
            var stored = await original;
            return new FetchedPhoto(facts with { ETag = stored.Value.ETag.ToString().Trim('"') }, await Task.WhenAll(thumbnails));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
