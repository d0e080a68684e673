using Azure.Storage.Blobs.Models;
using EeFunctions.EarthEngine.Errors;
using Microsoft.DurableTask;

namespace EeFunctions.App.ImportApi;

/// <summary>Marks the import processing, downloads the photo, checks it is one and stores the original as fetched.</summary>
[DurableTask(Name)]
public sealed class FetchPhotoActivity(ImportStore imports, PhotoDownloader downloader, PhotoCodec codec, ImportApiBlobs blobs, HeaderSealer sealer, IHostApplicationLifetime lifetime)
    : TaskActivity<FetchPhotoInput, PhotoFacts>
{
    public const string Name = "ImportApi_Fetch";

    public override async Task<PhotoFacts> RunAsync(TaskActivityContext context, FetchPhotoInput input)
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
            var stored = await blobs.Original(input.ImageId).UploadAsync(path, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = facts.ContentType } }, cancellationToken);
            return facts with { ETag = stored.Value.ETag.ToString().Trim('"') };
        }
        finally
        {
            File.Delete(path);
        }
    }
}
