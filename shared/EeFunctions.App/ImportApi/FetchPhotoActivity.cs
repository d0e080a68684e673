using Azure.Storage.Blobs.Models;
using EeFunctions.EarthEngine.Errors;
using Microsoft.DurableTask;

namespace EeFunctions.App.ImportApi;

/// <summary>
/// Marks the import processing, downloads the photo, checks it is one, and stores the original as fetched and the
/// working copy the thumbnail fan-out reads (made from the downloaded file, so the photo is decoded once).
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

            // The working copy is the largest thumbnail (some hundred kilobytes): made in memory, uploaded from there.
            using var workingCopy = new MemoryStream();
            var working = await codec.PrepareAsync(path, facts.Format, input.WorkingSize, workingCopy, cancellationToken);
            var original = blobs.Original(input.ImageId).UploadAsync(path, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = facts.ContentType } }, cancellationToken);
            var prepared = blobs.WorkingCopy(input.ImageId).UploadAsync(new BinaryData(workingCopy.GetBuffer().AsMemory(0, (int)workingCopy.Length)), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = working.ContentType } }, cancellationToken);
            await Task.WhenAll(original, prepared);
            return new FetchedPhoto(facts with { ETag = (await original).Value.ETag.ToString().Trim('"') }, working);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
